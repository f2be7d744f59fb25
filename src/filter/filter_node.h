#pragma once
// The compiled form of a filter, shared by the parser (filter_parse.cpp) and the matcher
// (filter_match.cpp). Internal to src/filter/: callers only see Filter. A compiled tree is valid
// by construction (operand types were checked by the parser), so the matcher does not re-check.

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace rehook {

enum class FilterOp {
  kEq,
  kNeq,
  kIn,
  kNin,
  kGt,
  kGte,
  kLt,
  kLte,
  kExist,
  kStartsWith,
  kEndsWith,
  kContains,
  kOr,
  kAnd,
  kNot,
};

struct FilterField;
struct FilterCondition;

// The filter value at one position of the input. See filter.h for what each kind matches.
struct FilterNode {
  enum class Kind { kObject, kScalar, kArray };
  Kind kind = Kind::kObject;

  boost::json::value scalar;               // kScalar: the value to equal
  std::vector<FilterField> fields;         // kObject: plain keys, in spec order
  std::vector<FilterCondition> operators;  // kObject: '$' keys, in spec order
  std::vector<FilterNode> elements;        // kArray: each must match some input element
};

struct FilterField {
  std::string key;  // lower-cased under "headers"
  FilterNode node;
};

struct FilterCondition {
  FilterOp op = FilterOp::kEq;
  boost::json::value operand;       // the literal of value operators ($eq .. $contains)
  std::vector<FilterNode> filters;  // $or / $and: one or more; $not: exactly one
};

// What a Filter holds: the spec as given, for echoing, and its compiled tree.
struct CompiledFilter {
  boost::json::value spec;
  FilterNode root;
};

}  // namespace rehook
