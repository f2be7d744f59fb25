// Matching of compiled filters against a match input (see filter.h for the rules).
//
// Throughout, an input value is passed as a pointer: nullptr means the field is missing, which
// the rules treat differently from a present null.

#include <compare>
#include <cstdint>
#include <string_view>

#include "filter/filter.h"
#include "filter/filter_node.h"

namespace rehook {
namespace {

using boost::json::value;

bool MatchNode(const FilterNode& node, const value* input);

std::string_view View(const boost::json::string& text) { return {text.data(), text.size()}; }

// JSON numbers may be stored as int64, uint64 or double; compare them by value. Integers compare
// exactly (a double would lose precision above 2^53); a double on either side compares as double.
std::partial_ordering CompareNumbers(const value& a, const value& b) {
  if (a.is_double() || b.is_double()) return a.to_number<double>() <=> b.to_number<double>();
  if (a.is_int64() && b.is_int64()) return a.get_int64() <=> b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() <=> b.get_uint64();
  // One int64 and one uint64: a negative int64 is below every uint64.
  if (a.is_int64()) {
    if (a.get_int64() < 0) return std::partial_ordering::less;
    return static_cast<std::uint64_t>(a.get_int64()) <=> b.get_uint64();
  }
  if (b.get_int64() < 0) return std::partial_ordering::greater;
  return a.get_uint64() <=> static_cast<std::uint64_t>(b.get_int64());
}

// Deep equality where 1 equals 1.0 (boost::json's operator== tells int from double). Recursion is
// bounded by the depth of `b`, which always comes from the (depth-limited) filter.
bool JsonEquals(const value& a, const value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case boost::json::kind::string:
      return a.get_string() == b.get_string();
    case boost::json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case boost::json::kind::array: {
      const boost::json::array& x = a.get_array();
      const boost::json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!JsonEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case boost::json::kind::object: {
      const boost::json::object& x = a.get_object();
      const boost::json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& member : y) {
        const value* other = x.if_contains(member.key());
        if (other == nullptr || !JsonEquals(*other, member.value())) return false;
      }
      return true;
    }
    default:
      return true;  // null (numbers were handled above)
  }
}

bool ArrayHasElementEqualTo(const boost::json::array& array, const value& wanted) {
  for (const value& element : array) {
    if (JsonEquals(element, wanted)) return true;
  }
  return false;
}

// $in: the value is one of the candidates, or (for an array value) shares an element with them.
bool IsIn(const value& input, const boost::json::array& candidates) {
  if (ArrayHasElementEqualTo(candidates, input)) return true;
  if (!input.is_array()) return false;
  for (const value& element : input.get_array()) {
    if (ArrayHasElementEqualTo(candidates, element)) return true;
  }
  return false;
}

// Numbers with numbers, strings with strings; anything else is unordered, so every comparison
// operator is false for it.
std::partial_ordering CompareOrdered(const value& input, const value& bound) {
  if (input.is_number() && bound.is_number()) return CompareNumbers(input, bound);
  if (input.is_string() && bound.is_string()) {
    return View(input.get_string()) <=> View(bound.get_string());
  }
  return std::partial_ordering::unordered;
}

bool Contains(const value& input, const value& wanted) {
  if (input.is_string()) {
    return wanted.is_string() &&
           View(input.get_string()).find(View(wanted.get_string())) != std::string_view::npos;
  }
  return input.is_array() && ArrayHasElementEqualTo(input.get_array(), wanted);
}

bool MatchOperator(const FilterCondition& condition, const value* input) {
  const value& operand = condition.operand;
  switch (condition.op) {
    case FilterOp::kEq:
      return input != nullptr && JsonEquals(*input, operand);
    case FilterOp::kNeq:
      return input == nullptr || !JsonEquals(*input, operand);
    case FilterOp::kIn:
      return input != nullptr && IsIn(*input, operand.get_array());
    case FilterOp::kNin:
      return input == nullptr || !IsIn(*input, operand.get_array());
    case FilterOp::kGt:
      return input != nullptr && std::is_gt(CompareOrdered(*input, operand));
    case FilterOp::kGte:
      return input != nullptr && std::is_gteq(CompareOrdered(*input, operand));
    case FilterOp::kLt:
      return input != nullptr && std::is_lt(CompareOrdered(*input, operand));
    case FilterOp::kLte:
      return input != nullptr && std::is_lteq(CompareOrdered(*input, operand));
    case FilterOp::kExist:
      return (input != nullptr) == operand.get_bool();
    case FilterOp::kStartsWith:
      return input != nullptr && input->is_string() &&
             View(input->get_string()).starts_with(View(operand.get_string()));
    case FilterOp::kEndsWith:
      return input != nullptr && input->is_string() &&
             View(input->get_string()).ends_with(View(operand.get_string()));
    case FilterOp::kContains:
      return input != nullptr && Contains(*input, operand);
    case FilterOp::kOr:
      for (const FilterNode& filter : condition.filters) {
        if (MatchNode(filter, input)) return true;
      }
      return false;
    case FilterOp::kAnd:
      for (const FilterNode& filter : condition.filters) {
        if (!MatchNode(filter, input)) return false;
      }
      return true;
    case FilterOp::kNot:
      return !MatchNode(condition.filters.front(), input);
  }
  return false;
}

// `object` is nullptr when the input value is missing or not an object: every field then sees a
// missing value.
bool MatchFieldsOf(const FilterNode& node, const boost::json::object* object) {
  for (const FilterField& field : node.fields) {
    const value* child = object != nullptr ? object->if_contains(field.key) : nullptr;
    if (!MatchNode(field.node, child)) return false;
  }
  return true;
}

bool MatchFields(const FilterNode& node, const value* input) {
  if (node.fields.empty()) return true;
  if (input != nullptr && input->is_array()) {
    // Webhook payloads often hold lists of objects ("items", "commits"); a nested filter on the
    // list means "some item matches", as in Hookdeck.
    for (const value& element : input->get_array()) {
      if (element.is_object() && MatchFieldsOf(node, &element.get_object())) return true;
    }
    return false;
  }
  return MatchFieldsOf(node, input != nullptr ? input->if_object() : nullptr);
}

bool MatchScalar(const value& scalar, const value* input) {
  if (input == nullptr) return false;
  if (input->is_array()) return ArrayHasElementEqualTo(input->get_array(), scalar);
  return JsonEquals(*input, scalar);
}

bool MatchArray(const std::vector<FilterNode>& elements, const value* input) {
  if (input == nullptr || !input->is_array()) return false;
  const boost::json::array& array = input->get_array();
  for (const FilterNode& wanted : elements) {
    bool found = false;
    for (const value& element : array) {
      if (MatchNode(wanted, &element)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool MatchNode(const FilterNode& node, const value* input) {
  switch (node.kind) {
    case FilterNode::Kind::kScalar:
      return MatchScalar(node.scalar, input);
    case FilterNode::Kind::kArray:
      return MatchArray(node.elements, input);
    case FilterNode::Kind::kObject:
      for (const FilterCondition& condition : node.operators) {
        if (!MatchOperator(condition, input)) return false;
      }
      return MatchFields(node, input);
  }
  return false;
}

}  // namespace

bool Filter::Matches(const boost::json::value& input) const {
  return MatchNode(compiled_->root, &input);
}

}  // namespace rehook
