#include "api/routes.h"

namespace rehook {

void AddAllApiRoutes(ApiRouter& router) {
  AddAuthRoutes(router);
  AddOrganizationRoutes(router);
  AddApiKeyRoutes(router);
  AddSourceRoutes(router);
  AddEventStreamRoutes(router);
  AddEventRoutes(router);
  AddEventRetryRoutes(router);
  AddDestinationRoutes(router);
  AddConnectionRoutes(router);
  AddTransformationRoutes(router);
  AddReplayJobRoutes(router);
  AddRequestReplayRoutes(router);
  AddStatsRoutes(router);
  AddNotificationRoutes(router);
  AddBackupRoutes(router);
  AddOpenApiRoutes(router);
}

}  // namespace rehook
