#include "store/sqlite/sqlite_rows.h"

namespace rehook::sqlite {

void BindAttempt(Statement& statement, const DeliveryAttempt& attempt) {
  statement.BindAll(attempt.id, attempt.org_id, attempt.event_id, attempt.destination_id,
                    attempt.connection_id, attempt.replay_job_id, attempt.attempt,
                    attempt.status_code, attempt.response_time_ms, attempt.success, attempt.error,
                    attempt.next_retry_at, attempt.created_at, rows::OutcomeColumn(attempt.outcome),
                    Blob{attempt.response_body});
}

}  // namespace rehook::sqlite
