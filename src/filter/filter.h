#pragma once
// The filter language: JSON filters that decide which captured events a connection delivers and
// which a replay job sends. The syntax follows Hookdeck's filters, with one filter covering all
// parts of the request, and these differences: $in/$nin take a list of values (Hookdeck's
// string-contains $in is $contains here), and $ref is not supported.
//
// A filter is a JSON object matched against the match input of an event (see FilterInput):
//   {"method": "POST", "path": "/orders", "query": {...}, "headers": {...}, "body": <body>}
// Example: {"headers": {"x-github-event": "push"}, "body": {"amount": {"$gte": 100}}}
//
// Matching, for a filter value F at some position and the input value V at the same position:
// - Object without operators: every key must match the input value under that key (subset match;
//   input keys the filter does not mention are ignored). `{}` matches anything, even a missing V.
//   When V is missing or not an object, each key sees a missing value, so only negative
//   conditions can pass (`{"data": {"id": {"$exist": false}}}` matches when `data` is absent).
//   When V is an array, the keys must all match one object element of it.
// - Scalar (string, number, boolean, null): V equals F, or V is an array with an element equal to
//   F. Numbers compare by value (1 equals 1.0); null matches a present null, never a missing V.
// - Array: V is an array and every element of F matches some element of V ("contains all"), so
//   `[]` matches any array. Elements may themselves be filters: `[{"$gt": 5}]` matches an array
//   with an element above 5.
// - Object with operators (keys starting with '$'): every operator must hold, and plain keys next
//   to operators apply as above. Operators apply to V itself, never element-wise to an array:
//     $eq X       V deep-equals X (exact: ["a"] does not $eq "a"; objects compare all keys).
//     $neq X      not $eq; true for a missing V.
//     $in [X..]   V deep-equals one of the Xs, or V is an array sharing an element with them.
//     $nin [X..]  not $in; true for a missing V.
//     $gt $gte $lt $lte X
//                 X is a number or a string; V must be the same kind. Numbers compare by value,
//                 strings bytewise (so ISO 8601 timestamps in one format compare by time).
//                 Across kinds (e.g. "100" vs 100) they never match.
//     $exist B    V is present (B true) or absent (B false). A null value is present.
//     $startsWith S / $endsWith S
//                 V is a string with that prefix / suffix.
//     $contains X V is a string containing the string X, or an array with an element equal to X.
//     $or [F..]   some F matches V; $and [F..]: all do. Each F is a filter at this position,
//                 so `{"status": {"$or": ["active", "pending"]}}` works. Arrays must be non-empty.
//     $not F      F does not match V (true for a missing V unless F accepts missing values).
// - A missing V never satisfies a positive condition: a scalar, an array, $eq, $in, $gt..$lte,
//   $exist:true, $startsWith, $endsWith and $contains are all false for it.
// - Under "headers" the filter's keys are lower-cased, because the input's header names are; so
//   header names match case-insensitively while values stay case-sensitive. Query, path and
//   method compare as given (query values are always strings: compare with "2", not 2).
// - At the top level (also inside top-level $or/$and/$not) the keys must be method, path, query,
//   headers or body, and only $or, $and and $not may appear, so a typo is an error rather than a
//   filter that silently never matches.
// - Keys starting with '$' are always operators; input fields whose names start with '$' cannot
//   be matched by name. Values inside $eq/$neq/$in/$nin/$contains are literals, not filters.
//
// Limits (FilterError beyond them): nesting deeper than kMaxFilterDepth JSON levels, or more than
// kMaxFilterValues JSON values in total. Matching therefore costs at most about
// (filter size x input size) and never recurses deeper than the filter. Numbers beyond the double
// range (1e400) are refused too: Boost.JSON reads them as infinity, which serializes as
// "Infinity", so the stored spec would not load again.
//
// A Filter is immutable and cheap to copy; Matches may be called from many threads at once.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <stdexcept>

#include "domain/event.h"

namespace rehook {

inline constexpr int kMaxFilterDepth = 32;
inline constexpr int kMaxFilterValues = 1000;

// An invalid filter. The message names the operator (or field) and the path where it appears,
// e.g. "unknown operator '$foo' at body.amount", "'$in' at body.type needs an array"; it is meant
// to be shown to the API caller as is.
class FilterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CompiledFilter;  // see filter_node.h

class Filter {
 public:
  // Validates and compiles `spec`, which must be a JSON object; throws FilterError.
  static Filter Parse(const boost::json::value& spec);

  // True when the match input (see FilterInput) passes the filter. Build the input once per
  // event and hold it as a value (`boost::json::value input = FilterInput(event);` moves, no
  // copy) to test it against several filters.
  bool Matches(const boost::json::value& input) const;

  // The spec exactly as given to Parse (header keys not lower-cased), for storing and echoing.
  const boost::json::value& spec() const;

 private:
  explicit Filter(std::shared_ptr<const CompiledFilter> compiled);

  std::shared_ptr<const CompiledFilter> compiled_;  // shared by copies; never modified
};

// Builds the match input for a captured event; the event's body must be loaded.
// - "method", "path": as captured (the path is the sub-path after /in/{source_id}).
// - "headers": an object keyed by lower-cased name; repeated headers are joined with ", ".
// - "query": the decoded parameters ('+' is a space); a name given more than once maps to an
//   array of its values in order, otherwise to a string. {} when the query is not valid.
// - "body": the parsed JSON when the body is JSON (any top-level value), else the text as a
//   string; null when the body is empty or not UTF-8.
// Invalid UTF-8 in header values and query parameters shows as U+FFFD, as in the events API.
boost::json::object FilterInput(const Event& event);

}  // namespace rehook
