#pragma once
// Each resource registers its routes; app/ calls all of these once at start-up.

#include "api/api_context.h"

namespace rehook {

void AddAuthRoutes(ApiRouter& router);
void AddOrganizationRoutes(ApiRouter& router);
void AddApiKeyRoutes(ApiRouter& router);
void AddSourceRoutes(ApiRouter& router);
void AddEventStreamRoutes(ApiRouter& router);  // before AddEventRoutes
void AddEventRoutes(ApiRouter& router);
void AddEventRetryRoutes(ApiRouter& router);
void AddDestinationRoutes(ApiRouter& router);
void AddConnectionRoutes(ApiRouter& router);
void AddTransformationRoutes(ApiRouter& router);
void AddReplayJobRoutes(ApiRouter& router);
void AddRequestReplayRoutes(ApiRouter& router);
void AddStatsRoutes(ApiRouter& router);
void AddBackupRoutes(ApiRouter& router);
void AddNotificationRoutes(ApiRouter& router);
void AddOpenApiRoutes(ApiRouter& router);

// All of the above: the whole /v1 API.
void AddAllApiRoutes(ApiRouter& router);

}  // namespace rehook
