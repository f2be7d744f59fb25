// `rehook transformations create|list|get|update|delete|test`: users' JavaScript that reshapes a
// request before delivery. `test` runs a script file against a stored event (or a request in a
// JSON file) on the server and shows what would be sent, the script's console.log lines and
// its error, so a script can be tried before a connection uses it.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <fstream>
#include <memory>
#include <sstream>

#include "cli/list_paging.h"
#include "cli/resource_commands.h"

namespace rehook::cli {
namespace {

struct TransformationOptions {
  std::string id;  // update, test (a saved one)
  std::string name;
  std::string file;          // the script
  std::string event_id;      // test
  std::string request_file;  // test: a request as JSON
};

std::string ReadFile(const std::string& path, const std::string& flag) {
  std::ifstream file(path);
  if (!file) throw CliError(ExitCode::usage, flag + ": cannot read " + path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

Fields TransformationFields(const boost::json::value& transformation) {
  return {{"id", FieldText(transformation, "id")},
          {"name", FieldText(transformation, "name")},
          {"created_at", FieldText(transformation, "created_at")},
          {"updated_at", FieldText(transformation, "updated_at")},
          {"code", FieldText(transformation, "code")}};
}

const ResourceKind kTransformations{"/v1/transformations", "transformation", TransformationFields};

ExitCode ListTransformations(CommandContext& context, const PageOptions& options) {
  Listing listing = FetchList(context.api, "/v1/transformations", {}, options);
  std::vector<TableRow> rows;
  for (const auto& transformation : listing.data) {
    rows.push_back({FieldText(transformation, "id"), FieldText(transformation, "name"),
                    FieldText(transformation, "updated_at")});
  }
  PrintListing(context, listing, RenderTable({"ID", "NAME", "UPDATED"}, rows), "transformations");
  return ExitCode::ok;
}

// Runs the test and prints it: the outcome, the logs, then the request that would be sent.
// Exits 1 when the script failed, so that scripts and CI can check a transformation.
ExitCode TestTransformation(CommandContext& context, const TransformationOptions& options) {
  boost::json::object body;
  if (!options.file.empty()) {
    body["code"] = ReadFile(options.file, "--file");
  } else {
    body["transformation_id"] = options.id;
  }
  if (!options.event_id.empty()) {
    body["event_id"] = options.event_id;
  } else {
    boost::json::error_code error;
    boost::json::value request =
        boost::json::parse(ReadFile(options.request_file, "--request"), error);
    if (error) throw CliError(ExitCode::usage, "--request is not valid JSON: " + error.message());
    body["request"] = std::move(request);
  }
  const boost::json::value reply = context.api.Post("/v1/transformations/test", body).json;
  const boost::json::value& data = reply.at("data");
  const bool failed = !data.at("error").is_null();
  if (context.json) {
    context.out << JsonLine(data) << "\n";
    return failed ? ExitCode::refused : ExitCode::ok;
  }
  for (const auto& line : data.at("logs").as_array())
    context.out << "log: " << DisplayText(line) << "\n";
  const std::string ms = FieldText(data, "duration_ms");
  if (failed) {
    context.out << "failed after " << ms << " ms: " << DisplayText(data.at("error")) << "\n";
  } else if (data.at("skipped").as_bool()) {
    context.out << "skipped (transform returned null) in " << ms << " ms\n";
  } else {
    context.out << "transformed in " << ms << " ms; would send:\n"
                << JsonLine(data.at("request")) << "\n";
  }
  return failed ? ExitCode::refused : ExitCode::ok;
}

}  // namespace

void AddTransformationCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* group = app.add_subcommand(
      "transformations", "Manage and test the JavaScript that reshapes requests before delivery");
  group->fallthrough()->require_subcommand(1);

  auto create_options = std::make_shared<TransformationOptions>();
  CLI::App* create = group->add_subcommand("create", "Save a transformation script");
  create->add_option("--name", create_options->name, "A name for people")->required();
  create
      ->add_option("--file", create_options->file,
                   "The script: JavaScript defining function transform(request, context)")
      ->required();
  create->callback([&slot, create_options] {
    slot = [create_options](CommandContext& context) {
      boost::json::object body{{"name", create_options->name},
                               {"code", ReadFile(create_options->file, "--file")}};
      return PrintResource(context, kTransformations,
                           context.api.Post("/v1/transformations", body).json);
    };
  });

  auto page = std::make_shared<PageOptions>();
  CLI::App* list = group->add_subcommand("list", "List transformations, newest first");
  AddPageOptions(*list, *page, "transformations");
  list->callback([&slot, page] {
    slot = [page](CommandContext& context) { return ListTransformations(context, *page); };
  });

  auto update_options = std::make_shared<TransformationOptions>();
  CLI::App* update = group->add_subcommand("update", "Change a transformation's name or script");
  update->add_option("id", update_options->id, "Transformation id (trf_...)")->required();
  update->add_option("--name", update_options->name, "A new name");
  update->add_option("--file", update_options->file, "A new script");
  update->callback([&slot, update_options] {
    slot = [update_options](CommandContext& context) {
      boost::json::object body;
      if (!update_options->name.empty()) body["name"] = update_options->name;
      if (!update_options->file.empty()) body["code"] = ReadFile(update_options->file, "--file");
      if (body.empty()) throw CliError(ExitCode::usage, "update: nothing to change was given");
      return PrintResource(
          context, kTransformations,
          context.api.Patch(kTransformations.PathOf(update_options->id), body).json);
    };
  });

  auto test_options = std::make_shared<TransformationOptions>();
  CLI::App* test = group->add_subcommand(
      "test", "Run a script against a stored event (or a request) and show what it would send");
  CLI::Option* file = test->add_option("--file", test_options->file, "The script to run");
  CLI::Option* saved = test->add_option("--id", test_options->id, "A saved transformation");
  file->excludes(saved);
  CLI::Option* event =
      test->add_option("--event", test_options->event_id, "A stored event (evt_...)");
  CLI::Option* request =
      test->add_option("--request", test_options->request_file,
                       "A JSON file holding {\"method\",\"path\",\"query\",\"headers\",\"body\"}");
  event->excludes(request);
  test->callback([&slot, test_options] {
    if (test_options->file.empty() && test_options->id.empty()) {
      throw CLI::ValidationError("test", "--file or --id is required");
    }
    if (test_options->event_id.empty() && test_options->request_file.empty()) {
      throw CLI::ValidationError("test", "--event or --request is required");
    }
    slot = [test_options](CommandContext& context) {
      return TestTransformation(context, *test_options);
    };
  });

  AddIdCommands(*group, slot, kTransformations, /*toggles=*/false);
}

}  // namespace rehook::cli
