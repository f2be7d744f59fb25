// `rehook keys create`: a new API key, its secret printed this once.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <memory>

#include "cli/command_context.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

struct KeyCreateOptions {
  std::string name;
  std::string role;
  std::string org_id;
};

ExitCode CreateKey(CommandContext& context, const KeyCreateOptions& options) {
  boost::json::object body{{"name", options.name}, {"role", options.role}};
  if (!options.org_id.empty()) body["org_id"] = options.org_id;
  ApiReply reply = context.api.Post("/v1/api-keys", body);
  if (context.json) {
    context.out << JsonLine(reply.json);
    return ExitCode::ok;
  }
  const auto& key = reply.json;
  context.out << RenderFields({{"id", FieldText(key, "id")},
                               {"name", FieldText(key, "name")},
                               {"role", FieldText(key, "role")},
                               {"org_id", FieldText(key, "org_id")},
                               {"created_at", FieldText(key, "created_at")},
                               {"key", FieldText(key, "key")}});
  context.err << "Store the key now: the server keeps only a hash of it and cannot show it "
                 "again.\n";
  return ExitCode::ok;
}

}  // namespace

void AddKeyCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* keys = app.add_subcommand("keys", "Manage API keys (needs an admin key)");
  keys->fallthrough()->require_subcommand(1);

  auto create_options = std::make_shared<KeyCreateOptions>();
  CLI::App* create = keys->add_subcommand("create", "Create an API key and print its secret once");
  create->add_option("--name", create_options->name, "What the key is for")->required();
  create->add_option("--role", create_options->role, "viewer, developer, admin or super_admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "developer", "admin", "super_admin"}));
  create->add_option("--org-id", create_options->org_id,
                     "Organization of the key (another one needs a super_admin key); "
                     "default: the caller's");
  create->callback([&slot, create_options] {
    slot = [create_options](CommandContext& context) {
      return CreateKey(context, *create_options);
    };
  });
}

}  // namespace rehook::cli
