#pragma once
// Runs the transformation a connection (or a replay job) names on an event before it is sent
// (API.md, "Transformations"): loads the script (cached like destinations: a change through
// this node is seen at once, through another within the TTL), runs it on a Transformer worker
// and reads back the request to send. What it did is noted on the attempt. A script that
// fails sends nothing and is not retried: the deliberate recovery is a failed-only replay or a
// resend once the script is fixed.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "common/ttl_cache.h"
#include "delivery/outbound_client.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/event.h"
#include "domain/transformation.h"
#include "store/roles/configuration_store.h"
#include "store/store_executor.h"
#include "transform/transform_request.h"
#include "transform/transformer.h"

namespace rehook {

using ConnectionCache = TtlCache<std::optional<Connection>>;
using TransformationCache = TtlCache<std::optional<Transformation>>;

// What running a transformation gave.
struct Reshaped {
  std::string transformation_id;
  std::chrono::microseconds duration{0};
  std::optional<TransformedRequest> request;  // what to send, unless skipped or failed
  bool skipped = false;                       // the script returned null
  std::string error;                          // "transformation failed: ..."; "" when it ran
  bool sends() const { return request.has_value(); }
};

class TransformStep {
 public:
  TransformStep(Transformer& transformer, StoreRole<ConfigurationStore> configuration,
                ConnectionCache& connections, TransformationCache& transformations)
      : transformer_(transformer),
        configuration_(configuration),
        connections_(connections),
        transformations_(transformations) {}

  // The transformation connection `connection_id` names now; "" when none (or no connection).
  boost::asio::awaitable<std::string> OfConnection(const std::string& org_id,
                                                   const std::string& connection_id);

  // Runs transformation `id` of `org_id` on `event` (body loaded).
  boost::asio::awaitable<Reshaped> Run(const std::string& org_id, const std::string& id,
                                       const Event& event, const TransformContext& context);

 private:
  Transformer& transformer_;
  StoreRole<ConfigurationStore> configuration_;
  ConnectionCache& connections_;
  TransformationCache& transformations_;
};

// Notes on `attempt` what `reshaped` did, and what was sent after it (`sent`, null when nothing
// was): method, URL, headers and the body's first kSentBodyBytes, as JSON.
inline constexpr std::size_t kSentBodyBytes = 1024;
void NoteTransformation(DeliveryAttempt& attempt, const Reshaped& reshaped,
                        const OutboundRequest* sent);

}  // namespace rehook
