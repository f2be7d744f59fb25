#include "common/thread_name.h"

#include <pthread.h>

namespace rehook {

void NameThread(std::thread& thread, const std::string& name) {
  // Best effort: a name is a diagnostic aid, never a reason to fail.
  pthread_setname_np(thread.native_handle(), name.substr(0, 15).c_str());
}

}  // namespace rehook
