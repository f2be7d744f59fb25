#include "replay/replay_walk.h"

namespace rehook {

std::uint64_t ReplayWalk::Walk(Cursor position) {
  steps_.push_back(Step{std::move(position), false});
  ++pending_;
  return first_ticket_ + steps_.size() - 1;
}

void ReplayWalk::Done(std::uint64_t ticket) {
  if (ticket < first_ticket_ || ticket - first_ticket_ >= steps_.size()) return;
  Step& step = steps_[ticket - first_ticket_];
  if (step.done) return;
  step.done = true;
  --pending_;
  while (!steps_.empty() && steps_.front().done) {
    resume_after_ = std::move(steps_.front().position);
    steps_.pop_front();
    ++first_ticket_;
  }
}

}  // namespace rehook
