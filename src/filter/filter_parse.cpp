// Validation and compilation of filter specs (see filter.h for the language).

#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "filter/filter.h"
#include "filter/filter_node.h"

namespace rehook {
namespace {

struct OperatorName {
  std::string_view name;
  FilterOp op;
};

constexpr std::array<OperatorName, 15> kOperators = {{
    {"$eq", FilterOp::kEq},
    {"$neq", FilterOp::kNeq},
    {"$in", FilterOp::kIn},
    {"$nin", FilterOp::kNin},
    {"$gt", FilterOp::kGt},
    {"$gte", FilterOp::kGte},
    {"$lt", FilterOp::kLt},
    {"$lte", FilterOp::kLte},
    {"$exist", FilterOp::kExist},
    {"$startsWith", FilterOp::kStartsWith},
    {"$endsWith", FilterOp::kEndsWith},
    {"$contains", FilterOp::kContains},
    {"$or", FilterOp::kOr},
    {"$and", FilterOp::kAnd},
    {"$not", FilterOp::kNot},
}};

constexpr std::array<std::string_view, 5> kInputFields = {"method", "path", "query", "headers",
                                                          "body"};

// Where in the match input a filter value applies. It decides which keys are allowed (the top
// level has a fixed shape) and whether keys are header names.
enum class Position { kTop, kHeaders, kValue };

bool IsLogical(FilterOp op) {
  return op == FilterOp::kOr || op == FilterOp::kAnd || op == FilterOp::kNot;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string JoinPath(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string ElementPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string Where(const std::string& path) { return path.empty() ? "top level" : path; }

[[noreturn]] void FailOperand(std::string_view name, const std::string& path,
                              std::string_view requirement) {
  throw FilterError("'" + std::string(name) + "' at " + Where(path) + " needs " +
                    std::string(requirement));
}

// One compilation. Carries the running value count so the limit covers the whole spec.
class Compiler {
 public:
  FilterNode Compile(const boost::json::value& spec, Position position, const std::string& path,
                     int depth) {
    Count(spec, path, depth);
    FilterNode node;
    if (position == Position::kTop && !spec.is_object()) {
      throw FilterError("the filter at " + Where(path) + " must be a JSON object");
    }
    if (spec.is_object()) {
      CompileObject(spec.get_object(), position, path, depth, node);
    } else if (spec.is_array()) {
      node.kind = FilterNode::Kind::kArray;
      const boost::json::array& elements = spec.get_array();
      for (std::size_t i = 0; i < elements.size(); ++i) {
        node.elements.push_back(
            Compile(elements[i], Position::kValue, ElementPath(path, i), depth + 1));
      }
    } else {
      node.kind = FilterNode::Kind::kScalar;
      node.scalar = spec;
    }
    return node;
  }

 private:
  // Every JSON value of the spec passes here once, so depth and size are bounded before any
  // recursion goes further.
  void Count(const boost::json::value& value, const std::string& path, int depth) {
    if (depth > kMaxFilterDepth) {
      throw FilterError("the filter is nested more than " + std::to_string(kMaxFilterDepth) +
                        " levels deep at " + Where(path));
    }
    if (++values_ > kMaxFilterValues) {
      throw FilterError("the filter has more than " + std::to_string(kMaxFilterValues) +
                        " values (limit reached at " + Where(path) + ")");
    }
    // Boost.JSON reads a number beyond the double range (1e400) as infinity, which has no JSON
    // spelling: the spec would be stored as "Infinity" and fail to load again.
    if (value.is_double() && !std::isfinite(value.get_double())) {
      throw FilterError("the number at " + Where(path) + " is out of range");
    }
  }

  // Literal operands are not filters, but they still count towards the limits.
  void CountLiteral(const boost::json::value& literal, const std::string& path, int depth) {
    Count(literal, path, depth);
    if (literal.is_array()) {
      const boost::json::array& elements = literal.get_array();
      for (std::size_t i = 0; i < elements.size(); ++i) {
        CountLiteral(elements[i], ElementPath(path, i), depth + 1);
      }
    } else if (literal.is_object()) {
      for (const auto& member : literal.get_object()) {
        CountLiteral(member.value(), JoinPath(path, member.key()), depth + 1);
      }
    }
  }

  void CompileObject(const boost::json::object& spec, Position position, const std::string& path,
                     int depth, FilterNode& node) {
    node.kind = FilterNode::Kind::kObject;
    for (const auto& member : spec) {
      std::string_view key = member.key();
      if (key.starts_with('$')) {
        node.operators.push_back(CompileOperator(key, member.value(), position, path, depth));
        continue;
      }
      if (position == Position::kTop) CheckInputField(key, path);
      Position child =
          position == Position::kTop && key == "headers" ? Position::kHeaders : Position::kValue;
      std::string field_key = position == Position::kHeaders ? Lowercase(key) : std::string(key);
      node.fields.push_back(
          {field_key, Compile(member.value(), child, JoinPath(path, key), depth + 1)});
    }
  }

  static void CheckInputField(std::string_view key, const std::string& path) {
    for (std::string_view field : kInputFields) {
      if (key == field) return;
    }
    throw FilterError("unknown field '" + std::string(key) + "' at " + Where(path) +
                      " (expected method, path, query, headers or body)");
  }

  // `path` is where the operator appears, which is what error messages name.
  FilterCondition CompileOperator(std::string_view name, const boost::json::value& operand,
                                  Position position, const std::string& path, int depth) {
    FilterCondition condition;
    condition.op = LookupOperator(name, path);
    if (position == Position::kTop && !IsLogical(condition.op)) {
      throw FilterError("'" + std::string(name) + "' at " + Where(path) +
                        " must be inside a field (method, path, query, headers or body)");
    }
    switch (condition.op) {
      case FilterOp::kIn:
      case FilterOp::kNin:
        if (!operand.is_array()) FailOperand(name, path, "an array");
        break;
      case FilterOp::kGt:
      case FilterOp::kGte:
      case FilterOp::kLt:
      case FilterOp::kLte:
        if (!operand.is_number() && !operand.is_string()) {
          FailOperand(name, path, "a number or a string");
        }
        break;
      case FilterOp::kExist:
        if (!operand.is_bool()) FailOperand(name, path, "true or false");
        break;
      case FilterOp::kStartsWith:
      case FilterOp::kEndsWith:
        if (!operand.is_string()) FailOperand(name, path, "a string");
        break;
      case FilterOp::kOr:
      case FilterOp::kAnd:
        CompileFilterList(name, operand, position, path, depth, condition);
        return condition;
      case FilterOp::kNot:
        condition.filters.push_back(Compile(operand, position, JoinPath(path, name), depth + 1));
        return condition;
      case FilterOp::kEq:
      case FilterOp::kNeq:
      case FilterOp::kContains:
        break;  // any JSON value
    }
    CountLiteral(operand, JoinPath(path, name), depth + 1);
    condition.operand = operand;
    return condition;
  }

  void CompileFilterList(std::string_view name, const boost::json::value& operand,
                         Position position, const std::string& path, int depth,
                         FilterCondition& condition) {
    // An empty $or can never match and an empty $and always does; both are more likely a
    // mistake than intended.
    if (!operand.is_array() || operand.get_array().empty()) {
      FailOperand(name, path, "a non-empty array of filters");
    }
    Count(operand, JoinPath(path, name), depth + 1);
    const boost::json::array& filters = operand.get_array();
    for (std::size_t i = 0; i < filters.size(); ++i) {
      condition.filters.push_back(
          Compile(filters[i], position, ElementPath(JoinPath(path, name), i), depth + 2));
    }
  }

  static FilterOp LookupOperator(std::string_view name, const std::string& path) {
    for (const OperatorName& entry : kOperators) {
      if (entry.name == name) return entry.op;
    }
    throw FilterError("unknown operator '" + std::string(name) + "' at " + Where(path));
  }

  int values_ = 0;
};

}  // namespace

Filter::Filter(std::shared_ptr<const CompiledFilter> compiled) : compiled_(std::move(compiled)) {}

Filter Filter::Parse(const boost::json::value& spec) {
  if (!spec.is_object()) throw FilterError("a filter must be a JSON object");
  FilterNode root = Compiler().Compile(spec, Position::kTop, "", 1);
  return Filter(std::make_shared<const CompiledFilter>(CompiledFilter{spec, std::move(root)}));
}

const boost::json::value& Filter::spec() const { return compiled_->spec; }

}  // namespace rehook
