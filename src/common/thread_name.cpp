#include "common/thread_name.h"

#include <pthread.h>

namespace rehook {

void NameThisThread(const std::string& name) {
  // Best effort: a name is a diagnostic aid, never a reason to fail.
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace rehook
