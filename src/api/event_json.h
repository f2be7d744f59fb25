#pragma once
// The JSON form of a captured event, shared by the events API, its aliases and the dashboard.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "domain/delivery.h"
#include "domain/event.h"

namespace rehook {

// {"id","source_id","method","path","query","query_params","headers","raw_headers","client_ip",
//  "received_at","size","verified", and with_body: "body" (valid UTF-8) or "body_base64"}.
// "headers" maps lower-cased names to values (repeats joined by ", "); "raw_headers" keeps
// the exact order, case and repeats.
boost::json::object EventJson(const Event& event, bool with_body);

// JSON strings must be UTF-8; captured paths and header values may not be. Invalid bytes show
// as U+FFFD (the stored and forwarded bytes are untouched).
std::string Displayable(std::string_view bytes);

// {"id","event_id","destination_id","connection_id","replay_job_id","attempt","status_code",
//  "response_time_ms","success","error","next_retry_at","created_at","outcome", and the
//  response body as AddResponseBody puts it}; absent values are null.
boost::json::object AttemptJson(const DeliveryAttempt& attempt);

// A replay's outcome as JSON: its name ("first", "same", "fixed", "regressed"), or null.
boost::json::value ReplayOutcomeJson(const std::optional<ReplayOutcome>& outcome);

// The first bytes of a response as kept with an attempt or a replay: "response_body" when they
// are text (a character cut by the size limit is dropped), otherwise "response_body_base64".
void AddResponseBody(boost::json::object& json, std::string_view bytes);

}  // namespace rehook
