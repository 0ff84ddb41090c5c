// C11 <threads.h> for ThreadSanitizer builds (linked into every executable of a
// JSM_SANITIZE=thread build by cmake/sanitizers.cmake; never into a normal build).
//
// librdkafka (Debian's, not instrumented) creates its threads with C11 thrd_create
// and locks with mtx_*/cnd_*. glibc implements those by calling its pthread code
// internally, past the pthread_* entry points, and clang 16's ThreadSanitizer runtime
// intercepts only those entry points: a librdkafka thread then has no ThreadSanitizer
// state, and the first intercepted call it makes (malloc, a log callback) crashes the
// runtime with "SEGV on unknown address 0x000000000c38". Defining the C11 functions
// here, on top of the intercepted pthread functions, interposes them for librdkafka.so
// (the executable's definitions come first in symbol lookup): its threads are known to
// ThreadSanitizer, and so are the locks and condition variables it hands messages and
// callbacks over with. glibc's mtx_t and cnd_t hold a pthread_mutex_t and a
// pthread_cond_t (glibc's own thrd_*/mtx_*/cnd_* cast them the same way).

#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <ctime>

static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t));
static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t));
static_assert(sizeof(thrd_t) == sizeof(pthread_t));

namespace {

struct ThreadStart {
  thrd_start_t function;
  void* argument;
};

void* RunThread(void* start) {
  const ThreadStart copy = *static_cast<ThreadStart*>(start);
  delete static_cast<ThreadStart*>(start);
  return reinterpret_cast<void*>(static_cast<intptr_t>(copy.function(copy.argument)));
}

int FromErrno(int error) {
  switch (error) {
    case 0:
      return thrd_success;
    case ENOMEM:
      return thrd_nomem;
    case ETIMEDOUT:
      return thrd_timedout;
    case EBUSY:
      return thrd_busy;
    default:
      return thrd_error;
  }
}

pthread_mutex_t* Mutex(mtx_t* mutex) { return reinterpret_cast<pthread_mutex_t*>(mutex); }
pthread_cond_t* Cond(cnd_t* cond) { return reinterpret_cast<pthread_cond_t*>(cond); }

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = new ThreadStart{function, argument};
  const int error = pthread_create(reinterpret_cast<pthread_t*>(thread), nullptr, RunThread, start);
  if (error != 0) delete start;
  return FromErrno(error);
}

int thrd_join(thrd_t thread, int* result) {
  void* value = nullptr;
  const int error = pthread_join(static_cast<pthread_t>(thread), &value);
  if (error == 0 && result != nullptr) *result = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return FromErrno(error);
}

int thrd_detach(thrd_t thread) { return FromErrno(pthread_detach(static_cast<pthread_t>(thread))); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int error = pthread_mutex_init(Mutex(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return FromErrno(error);
}

int mtx_lock(mtx_t* mutex) { return FromErrno(pthread_mutex_lock(Mutex(mutex))); }
int mtx_trylock(mtx_t* mutex) { return FromErrno(pthread_mutex_trylock(Mutex(mutex))); }
int mtx_timedlock(mtx_t* __restrict mutex, const struct timespec* __restrict deadline) {
  return FromErrno(pthread_mutex_timedlock(Mutex(mutex), deadline));
}
int mtx_unlock(mtx_t* mutex) { return FromErrno(pthread_mutex_unlock(Mutex(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(Mutex(mutex)); }

int cnd_init(cnd_t* cond) { return FromErrno(pthread_cond_init(Cond(cond), nullptr)); }
int cnd_signal(cnd_t* cond) { return FromErrno(pthread_cond_signal(Cond(cond))); }
int cnd_broadcast(cnd_t* cond) { return FromErrno(pthread_cond_broadcast(Cond(cond))); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) { return FromErrno(pthread_cond_wait(Cond(cond), Mutex(mutex))); }
int cnd_timedwait(cnd_t* __restrict cond, mtx_t* __restrict mutex, const struct timespec* __restrict deadline) {
  return FromErrno(pthread_cond_timedwait(Cond(cond), Mutex(mutex), deadline));
}
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(Cond(cond)); }

}  // extern "C"
