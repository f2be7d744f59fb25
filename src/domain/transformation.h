#pragma once
// A transformation: a user's JavaScript that reshapes a request before it is delivered
// (API.md, "Transformations"). Connections name one; forwarding and replay jobs through the
// connection run it (transform/ runs the code).

#include <string>

#include "common/clock.h"

namespace rehook {

struct Transformation {
  std::string id;  // "trf_..."
  std::string org_id;
  std::string name;
  std::string code;  // defines function transform(request, context)
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Why a transformation could not be deleted.
struct TransformationInUse {
  std::string connection_id;  // the first connection that names it
};

}  // namespace rehook
