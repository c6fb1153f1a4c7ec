#include <linkhub/engine/executor.hpp>

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/step_invoker.hpp>

#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/run_starter.hpp>
#include <linkhub/engine/store_error.hpp>
#include <linkhub/engine/template.hpp>

#include "plan.hpp"
#include "thread_pool.hpp"
#include "timer_queue.hpp"
#include "wait_steps.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <random>
#include <unordered_map>

namespace linkhub {

namespace {

using SteadyClock = std::chrono::steady_clock;

// How soon a step waiting for a step_concurrency slot looks again.
constexpr std::chrono::milliseconds kSlotRetry{20};

// Executor::RunPureStepsHere is alive on this thread.
thread_local bool run_pure_steps_here = false;

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now().time_since_epoch()).count();
}

// false, null, "" and "false" are false; everything else is true.
bool truthy(const Json& v) {
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  if (v.is_null()) {
    return false;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return !s.empty() && s != "false";
  }
  return true;
}

struct StepRun {
  size_t pending_needs = 0;
  StepStatus status = StepStatus::Pending;
  int attempts = 0;
  Error error;
  int64_t start_us = 0;
  int64_t end_us = 0;
  bool started = false;
  Json* view = nullptr;  // this step's entry in RunState::steps_view
  // foreach
  Json items;
  size_t next_item = 0;
  size_t in_flight = 0;
  size_t done_items = 0;
  std::vector<Json> item_outputs;
  Error item_error;
  bool item_failed = false;
  // From an earlier process (resume): attempts already made, items already done.
  int prior_attempts = 0;
  std::unordered_map<int, int> prior_item_attempts;
  std::unordered_map<int, Json> prior_item_outputs;  // succeeded items keep their output
  std::vector<char> item_preset;                     // per item: finished before this process
  // core.wait_for / core.sleep: waiting for its event or deadline, no thread held.
  bool parked = false;
  WaitRecord wait;

  // Takes the next items to start, up to `limit` in flight, passing over items already done.
  void take_items(size_t limit, std::vector<size_t>& launch) {
    while (next_item < items.size() && in_flight < limit) {
      const size_t idx = next_item++;
      if (!item_preset.empty() && item_preset[idx]) {
        continue;
      }
      launch.push_back(idx);
      ++in_flight;
    }
  }
};

struct RunState {
  std::shared_ptr<const Plan> plan;
  RunRecord record;
  Json inputs;
  Json steps_view = Json::object();  // {id: {outputs, status}}; keys fixed at start, see render()
  Json run_view;
  std::string artifact_dir;  // <artifact_dir>/<run id>: the run's scratch directory, given to each step
  lua::Bindings bindings;    // what expressions see (without a foreach item): set once, before any step
  std::mutex mutex;
  std::condition_variable done_cv;
  std::vector<StepRun> steps;
  size_t remaining = 0;
  // Steps ready or under way (not parked, not finished). When it drops to 0
  // with steps remaining, all that is left waits: the run is parked.
  size_t active_steps = 0;
  bool failed = false;
  Error failure;
  bool done = false;
  std::atomic<bool> cancelled{false};
  std::atomic<bool> unwritable{false};  // a store call for it threw: nothing more is written (store_call)
  std::vector<std::shared_ptr<AttemptControl>> live_attempts;  // for cancel()
  // Writes queued under `mutex` in the order things happened, made after it
  // is released by one writer at a time (Impl::flush): `queued` and `written`
  // count them, so a thread can wait until its own writes are in the store.
  std::vector<RunWrite> outbox;
  uint64_t queued = 0;
  uint64_t written = 0;
  bool writing = false;
  bool late_write_timer = false;  // a timer will write what waits for start_record_after
  // Writes up to this count hold a pure step's end, held back (Impl::defer_end):
  // stored before any step with an effect is called.
  uint64_t deferred_upto = 0;
  std::condition_variable written_cv;
};

// An event's payload with the failure's code and details beside its message.
Json with_code(Json payload, const Error& error) {
  if (!error.code.empty()) {
    payload["code"] = error.code;
  }
  if (error.details.is_object()) {
    payload["details"] = error.details;
  }
  return payload;
}

// The run's failure when step `id` failed: the step's code and details carry over.
Error step_failure(const std::string& id, const Error& error) {
  return Error{"step '" + id + "' failed: " + error.message, error.code, error.details};
}

}  // namespace

// ---------------------------------------------------------------- executor

struct Executor::Impl {
  const PluginHost& host;
  RunStore& store;
  ExecutorOptions options;
  StepInvoker invoker;

  std::mutex runs_mutex;
  std::condition_variable runs_cv;
  std::unordered_map<std::string, std::shared_ptr<RunState>> runs;
  size_t active = 0;
  std::shared_ptr<StepLimiter> limiter;
  ArtifactStore artifacts{options.artifact_dir, options.artifact_remote};

  // Writes of starts that waited start_record_after: not on `pool`, whose
  // threads may all be running steps. Destroyed after the timers that feed it.
  ThreadPool late_writes{1};
  // Declared last: destroyed first, so no task outlives the state above.
  TimerQueue timers;
  ThreadPool pool;

  Impl(const PluginHost& h, RunStore& s, ExecutorOptions o)
      : host(h),
        store(s),
        options(std::move(o)),
        invoker(h, options.secrets, options.circuit_breakers),
        limiter(options.limiter ? options.limiter : std::make_shared<LocalStepLimiter>()),
        pool(std::max(1, options.threads)) {}

  std::string redact(std::string text) const { return invoker.secret_mask().redact(std::move(text)); }

  // Every value that leaves the executor (store, events, results) passes
  // here: no secret value is stored or served. Execution keeps the real
  // values in memory; a resumed attempt renders its `with:` again.
  void mask(Json& value) const { invoker.secret_mask().mask(value); }

  // A failed if:, foreach: or with: expression.
  Error expression_error(const char* where, const Error& error) const {
    return Error{where + redact(error.message), error_codes::expression_error};
  }

  void mask(StepRecord& step) const {
    mask(step.input);
    mask(step.output);
    step.error = redact(std::move(step.error));
    mask(step.error_details);
  }

  void mask(EventRecord& event) const { mask(event.payload); }

  void mask(RunRecord& run) const {
    mask(run.inputs);
    mask(run.outputs);
    run.error = redact(std::move(run.error));
    mask(run.error_details);
  }

  void emit(EventRecord& event) {
    if (options.on_event) {
      options.on_event(event);
    }
  }

  // Queues a step's transition (called with run.mutex held).
  void record(RunState& run, StepRecord step, EventRecord event) {
    mask(step);
    mask(event);
    event.run_id = run.record.id;
    event.step_id = step.step_id;
    event.index = step.index;
    event.time_ms = now_ms();
    enqueue(run, RunWrite{RunWrite::Kind::transition, std::move(step), {}, std::move(event)});
  }

  void enqueue(RunState& run, RunWrite write) {
    run.outbox.push_back(std::move(write));
    ++run.queued;
  }

  // One batch of the run's writes: one store call (one transaction in a SQL
  // store); its events are told once it is stored.
  void write(RunState& run, std::vector<RunWrite>& batch) {
    if (run.unwritable) {
      return;
    }
    std::vector<EventRecord> copies;
    if (options.on_event) {
      copies.reserve(batch.size());
      for (const RunWrite& w : batch) {
        copies.push_back(w.event);
      }
    }
    if (store_call(run, [&] { store.write_all(batch); })) {
      for (EventRecord& e : copies) {
        emit(e);
      }
    }
  }

  // Makes a store call for the run on a pool thread. A store that throws
  // (a Node's does not: it fences the run instead) ends this run only: it is
  // cancelled here and nothing more of it is written, so what is stored stays
  // a state the run can be resumed from.
  template <class F>
  bool store_call(RunState& run, F&& fn) {
    try {
      fn();
      return true;
    } catch (const std::exception& e) {
      if (!run.unwritable.exchange(true)) {
        std::cerr << "linkhub: run " << run.record.id << ": the run store failed (" << loggable_error_message(e)
                  << "); the run is cancelled here and records nothing more\n";
        run.cancelled = true;
        std::lock_guard lock(run.mutex);
        for (auto& control : run.live_attempts) {
          control->cancelled = true;
        }
      }
      return false;
    }
  }

  // Makes the run's queued writes, in order, without holding its mutex while
  // the store or a callback runs; returns once everything queued before the
  // call is written (by this thread or the one already writing), so what a
  // thread recorded is in the store before it acts on it. What queued up
  // while the last batch was written goes in the next one, together.
  void flush(RunState& run) {
    std::unique_lock lock(run.mutex);
    const uint64_t mine = run.queued;
    while (run.written < mine) {
      if (run.writing) {
        run.written_cv.wait(lock);
        continue;
      }
      run.writing = true;
      std::vector<RunWrite> batch;
      while (!run.outbox.empty()) {
        batch.swap(run.outbox);
        const size_t n = batch.size();
        lock.unlock();
        write(run, batch);
        batch.clear();
        lock.lock();
        run.written += n;
        run.written_cv.notify_all();
      }
      // The outbox keeps its capacity: a run queues about as many writes at
      // each flush, and allocating them anew was a tenth of a step's cost.
      if (batch.capacity() > run.outbox.capacity()) {
        batch.swap(run.outbox);
      }
      run.writing = false;
    }
  }

  // A step's start is not written before its plugin is called: a step that
  // ends within start_record_after has its start written with its end, in
  // one transaction; a longer one gets it written then, so what is stored
  // shows it running. A crash in between runs the step again on resume, as
  // after a crash mid-step (the same idempotency key). A pure step's end
  // held back (defer_end) is written the same way at the latest.
  void write_later(const std::shared_ptr<RunState>& run) {
    std::lock_guard lock(run->mutex);
    if (!run->late_write_timer) {
      arm_late_write(run);
    }
  }

  // One timer per run at a time (called with run->mutex held): when it
  // fires, what was queued before it was armed and is still not written gets
  // written; a start queued since is looked at by the next timer. So a
  // start is written once its step has run between one and a little over
  // two times start_record_after.
  void arm_late_write(const std::shared_ptr<RunState>& run) {
    run->late_write_timer = true;
    const uint64_t queued = run->queued;
    std::weak_ptr<RunState> weak = run;
    timers.at(late_write_time(), [this, weak, queued] {
      auto run = weak.lock();
      if (!run) {
        return;
      }
      std::lock_guard lock(run->mutex);
      run->late_write_timer = false;
      if (run->written < queued) {
        late_writes.submit([this, run] { flush(*run); });
      } else if (run->written < run->queued && !run->done) {
        arm_late_write(run);
      }
    });
  }

  // start_record_after from now, rounded up to a tenth of it: the timers of
  // the runs started within one such tick fire together, one wake of the
  // timer thread for all of them (one per run was ~5 % of a busy server's
  // context switches: 14.0 → 13.5 a run under the ?wait load).
  SteadyClock::time_point late_write_time() const {
    const SteadyClock::duration tick =
        std::max<SteadyClock::duration>(options.start_record_after / 10, std::chrono::milliseconds(1));
    const SteadyClock::duration due = (SteadyClock::now() + options.start_record_after).time_since_epoch();
    return SteadyClock::time_point((due + tick - SteadyClock::duration(1)) / tick * tick);
  }

  // The run's mutex; on release, when writes were queued under it, they are
  // made (flush), with whatever was queued before them (a step's start
  // waiting for start_record_after).
  struct RunLock {
    RunLock(Impl& i, RunState& r) : impl(i), run(r), held(r.mutex), before(r.queued) {}
    ~RunLock() {
      bool queued = false;
      if (held.owns_lock()) {
        queued = run.queued != before;
        held.unlock();
      } else {
        std::lock_guard lock(run.mutex);
        queued = run.queued != before;
      }
      if (queued && !deferred) {
        impl.flush(run);
      }
    }
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;
    Impl& impl;
    RunState& run;
    std::unique_lock<std::mutex> held;
    uint64_t before;
    bool deferred = false;  // defer_end: what was queued is written later
  };

  // A pure step's end (LH_STEP_PURE) need not be stored before the steps
  // after it run: a crash before it is stored runs it again, which changes
  // nothing outside the run. So it is held back (called with the run's
  // mutex held, by `lock`'s owner) and goes with the next write: the next
  // step's end, the run's end, or the barrier before a step with an effect
  // (barrier). Not with start_record_after 0 (every write made at once), nor
  // once the run is done or cancelled, nor past a bounded outbox. The caller
  // arms write_later when it returns true.
  bool defer_end(RunState& run, const PlanStep& ps, RunLock& lock) const {
    constexpr size_t kMaxHeldBack = 256;
    if (!ps.type->signature.pure || options.start_record_after.count() <= 0 || run.done || run.cancelled ||
        run.outbox.size() >= kMaxHeldBack || run.queued == lock.before) {
      return false;
    }
    run.deferred_upto = run.queued;
    lock.deferred = true;
    return true;
  }

  // Before a step with an effect is called: the pure steps' ends held back
  // (what it may depend on) are stored first.
  void barrier(const PlanStep& ps, RunState& run) {
    if (ps.type->signature.pure) {
      return;
    }
    bool held_back = false;
    {
      std::lock_guard lock(run.mutex);
      held_back = run.written < run.deferred_upto;
    }
    if (held_back) {
      flush(run);
    }
  }

  StepRecord step_record(const RunState& run, size_t i, int index, int attempt, StepStatus status) const {
    StepRecord rec;
    rec.run_id = run.record.id;
    rec.step_id = run.plan->steps[i].decl->id;
    rec.index = index;
    rec.attempt = attempt;
    rec.status = status;
    return rec;
  }

  lua::Bindings run_bindings(RunState& run) const {
    return lua::Bindings{{"inputs", &run.inputs},
                         {"steps", &run.steps_view},
                         {"run", &run.run_view},
                         {"env", &options.env},
                         {"secrets", &invoker.secrets_json()}};
  }

  // The run's bindings, with a foreach item's when there is one (a copy then).
  template <class F>
  auto with_bindings(RunState& run, const Json* item, const Json* index, F&& use) const {
    if (item == nullptr) {
      return use(run.bindings);
    }
    lua::Bindings b = run.bindings;
    b.push_back({"item", item});
    b.push_back({"index", index});
    return use(b);
  }

  // ------------------------------------------------------------ scheduling

  void process_step(const std::shared_ptr<RunState>& run, size_t i) {
    for (;;) {
      std::optional<size_t> next = begin_step(run, i);
      if (!next) {
        return;
      }
      i = *next;
    }
  }

  // Decides what to do with a ready step. Returns a step to continue with on
  // this thread when finishing this one made exactly that one ready.
  std::optional<size_t> begin_step(const std::shared_ptr<RunState>& run, size_t i) {
    const PlanStep& ps = run->plan->steps[i];
    StepRun& sr = run->steps[i];

    // As CI systems do: a failed step stops only what depends on it; the
    // other branches of the run go on.
    bool all_needs_skipped = !ps.needs.empty();
    {
      RunLock lock(*this, *run);
      if (run->cancelled) {
        return finish_step(run, i, StepStatus::Cancelled, Json(nullptr),
                           Error{"not started: the run was cancelled", error_codes::cancelled}, lock.held);
      }
      for (size_t n : ps.needs) {
        const StepRun& need = run->steps[n];
        const bool blocking = need.status == StepStatus::Cancelled ||
                              (need.status == StepStatus::Failed && !run->plan->steps[n].decl->continue_on_error);
        if (blocking) {
          return finish_step(run, i, StepStatus::Skipped, Json(nullptr),
                             Error{"not run: step '" + run->plan->steps[n].decl->id + "' it needs " +
                                   std::string(to_string(need.status))},
                             lock.held);
        }
        all_needs_skipped = all_needs_skipped && need.status == StepStatus::Skipped;
      }
    }
    if (all_needs_skipped) {
      return finish_locked(run, i, StepStatus::Skipped, Json(nullptr), Error{"every step it needs was skipped"});
    }
    lua::Sandbox& sandbox = lua::Sandbox::for_this_thread(options.expression_limits);
    if (ps.condition) {
      auto cond = ps.condition->render(sandbox, run->bindings);
      if (!cond) {
        return finish_locked(run, i, StepStatus::Failed, Json(nullptr), expression_error("if: ", cond.error()));
      }
      if (!truthy(*cond)) {
        return finish_locked(run, i, StepStatus::Skipped, Json(nullptr), Error{"its condition was false"});
      }
    }
    if (!ps.foreach) {
      // A wait resumed after its run was parked is the same attempt, still waiting.
      const int attempt = is_builtin(*ps.type) ? std::max(1, sr.prior_attempts) : sr.prior_attempts + 1;
      return run_attempt(run, i, -1, attempt, nullptr);
    }
    auto items = ps.foreach->render(sandbox, run->bindings);
    if (!items) {
      return finish_locked(run, i, StepStatus::Failed, Json(nullptr), expression_error("foreach: ", items.error()));
    }
    if (!items->is_array()) {
      return finish_locked(
          run, i, StepStatus::Failed, Json(nullptr),
          Error{"foreach: expected an array, found " + describe_json_type(*items), error_codes::expression_error});
    }
    std::vector<size_t> launch;
    {
      RunLock lock(*this, *run);
      sr.items = std::move(*items);
      sr.item_outputs.assign(sr.items.size(), Json(nullptr));
      sr.start_us = steady_us();
      sr.started = true;
      for (auto& [idx, output] : sr.prior_item_outputs) {
        if (idx >= 0 && static_cast<size_t>(idx) < sr.items.size()) {
          sr.item_preset.resize(sr.items.size(), 0);
          sr.item_preset[static_cast<size_t>(idx)] = 1;
          sr.item_outputs[static_cast<size_t>(idx)] = std::move(output);
          ++sr.done_items;
        }
      }
      sr.prior_item_outputs.clear();
      if (sr.done_items == sr.items.size()) {
        Json all = Json::array();
        for (auto& o : sr.item_outputs) {
          all.push_back(std::move(o));
        }
        return finish_step(run, i, StepStatus::Succeeded, std::move(all), Error{}, lock.held);
      }
      const size_t limit = ps.decl->concurrency > 0 ? static_cast<size_t>(ps.decl->concurrency) : sr.items.size();
      sr.take_items(limit, launch);
      StepRecord rec = step_record(*run, i, -1, 0, StepStatus::Running);
      rec.started_ms = now_ms();
      record(*run, std::move(rec),
             EventRecord{"", 0, 0, to_string(EventType::StepStarted), "", -1, Json{{"items", sr.items.size()}}});
    }
    for (size_t k = 1; k < launch.size(); ++k) {
      submit_item(run, i, launch[k]);
    }
    return run_item(run, i, launch[0]);
  }

  void submit_item(const std::shared_ptr<RunState>& run, size_t i, size_t idx) {
    pool.submit([this, run, i, idx] {
      if (auto next = run_item(run, i, idx)) {
        process_step(run, *next);
      }
    });
  }

  std::optional<size_t> run_item(const std::shared_ptr<RunState>& run, size_t i, size_t idx) {
    const Json* item = nullptr;
    int attempt = 1;
    {
      std::lock_guard lock(run->mutex);
      StepRun& sr = run->steps[i];
      item = &sr.items[idx];  // items never change once set
      if (auto it = sr.prior_item_attempts.find(static_cast<int>(idx)); it != sr.prior_item_attempts.end()) {
        attempt = it->second + 1;
      }
    }
    return run_attempt(run, i, static_cast<int>(idx), attempt, item);
  }

  // One attempt of a step (index -1) or of one foreach item. Returns a step
  // to continue with on this thread (see finish_step).
  std::optional<size_t> run_attempt(const std::shared_ptr<RunState>& run, size_t i, int index, int attempt,
                                    const Json* item) {
    const PlanStep& ps = run->plan->steps[i];
    const Json index_json = index;
    lua::Sandbox& sandbox = lua::Sandbox::for_this_thread(options.expression_limits);
    auto input = with_bindings(*run, item, index >= 0 ? &index_json : nullptr,
                               [&](const lua::Bindings& b) { return ps.with.render(sandbox, b); });
    if (!input) {
      return attempt_done(run, i, index, attempt, item, LH_ERROR, Json(), expression_error("with: ", input.error()), 0);
    }
    Json& in = *input;
    if (auto problem = invoker.check_input(*ps.type, in)) {
      return attempt_done(run, i, index, attempt, item, LH_INVALID_INPUT, Json(),
                          Error{"with: " + problem->message, error_codes::invalid_input, std::move(problem->details)},
                          0);
    }
    if (is_builtin(*ps.type)) {
      return run_wait(run, i, index, attempt, item, std::move(in));
    }

    const std::string key = run->record.id + "/" + ps.decl->id + (index >= 0 ? "/" + std::to_string(index) : "");
    if (ps.limit > 0 && !run->cancelled && !limiter->try_acquire(ps.limit_name, ps.limit, key)) {
      // Every slot is taken (maybe on other nodes): try again soon, without
      // holding a pool thread meanwhile.
      timers.at(SteadyClock::now() + kSlotRetry, [this, run, i, index, attempt, item] {
        pool.submit([this, run, i, index, attempt, item] {
          if (auto next = run_attempt(run, i, index, attempt, item)) {
            process_step(run, *next);
          }
        });
      });
      return std::nullopt;
    }
    // Gives the slot back once the attempt's end is recorded (or anything throws).
    struct Slot {
      StepLimiter* limiter;
      const PlanStep* ps;
      const std::string* key;
      void release() {
        if (limiter != nullptr) {
          limiter->release(ps->limit_name, *key);
          limiter = nullptr;
        }
      }
      ~Slot() { release(); }
    } slot{ps.limit > 0 ? limiter.get() : nullptr, &ps, &key};

    barrier(ps, *run);
    const std::string input_text = in.dump();
    auto control = std::make_shared<AttemptControl>();
    StepCall call;
    call.run_id = run->record.id;
    call.step_id = ps.decl->id;
    call.index = index;
    call.idempotency_key = key;
    call.runs = options.run_starter.get();
    call.artifact_dir = run->artifact_dir;
    call.workflow_dir = run->plan->workflow_dir;
    call.artifacts = &artifacts;
    call.database_url = options.database_url;
    call.http_allow = options.http_allow;
    call.plugin_config = ps.plugin_config;
    call.attempt = static_cast<uint32_t>(attempt);
    call.log = [this, run, &ps, index](lh_log_level level, std::string_view message) {
      static constexpr const char* kLevels[] = {"debug", "info", "warn", "error"};
      EventRecord ev{run->record.id,
                     0,
                     now_ms(),
                     to_string(EventType::StepLog),
                     ps.decl->id,
                     index,
                     Json{{"level", kLevels[std::min<unsigned>(level, 3)]}, {"message", std::string(message)}}};
      mask(ev);
      RunLock lock(*this, *run);
      enqueue(*run, RunWrite{RunWrite::Kind::event, {}, {}, std::move(ev)});
    };
    {
      // Not RunLock: the start is written with the step's end, or once the
      // step has run for start_record_after (write_later), not now.
      std::lock_guard lock(run->mutex);
      if (run->cancelled) {
        control->cancelled = true;
      }
      run->live_attempts.push_back(control);
      StepRun& sr = run->steps[i];
      if (!sr.started) {
        sr.started = true;
        sr.start_us = steady_us();
      }
      StepRecord rec = step_record(*run, i, index, attempt, StepStatus::Running);
      rec.input = std::move(in);
      rec.started_ms = now_ms();
      record(*run, std::move(rec),
             EventRecord{"", 0, 0, to_string(EventType::StepStarted), "", index, Json{{"attempt", attempt}}});
      run->outbox.back().gates_call = options.start_record_after.count() <= 0;
    }
    bool held_here = true;
    if (options.start_record_after.count() <= 0) {
      flush(*run);
    } else {
      write_later(run);
      held_here = control->cancelled || store.may_call_step(run->record.id);
      control->cancelled = control->cancelled || !held_here;
    }
    const int64_t t0 = steady_us();
    StepOutcome outcome;
    if (control->cancelled) {
      // Cancelled before the plugin was called (or this node stopped owning
      // the run when it recorded the start): the step's effect is not made here.
      outcome.status = LH_CANCELLED;
      outcome.error = held_here ? "cancelled before it started"
                                : "not called: this node no longer holds the run (its lease lapsed)";
    } else {
      outcome = invoker.call(*ps.type, std::move(call), input_text, ps.decl->timeout, control);
    }
    const int64_t elapsed = steady_us() - t0;
    {
      std::lock_guard lock(run->mutex);
      auto& live = run->live_attempts;
      live.erase(std::remove(live.begin(), live.end(), control), live.end());
    }
    if (outcome.status == LH_CANCELLED && !run->cancelled && !control->timed_out) {
      outcome.status = LH_ERROR;
    }
    if (outcome.status != LH_OK && outcome.code.empty()) {
      outcome.code = error_codes::from_status(outcome.status);
    }
    mask(outcome.details);  // a plugin may quote a secret in its details as in its message
    return attempt_done(run, i, index, attempt, item, outcome.status, std::move(outcome.output),
                        Error{std::move(outcome.error), std::move(outcome.code), std::move(outcome.details)}, elapsed);
  }

  // core.wait_for / core.sleep: registers the wait in the store, then either
  // finishes at once (it was resolved already: a resumed run) or parks the
  // step; once nothing else of the run is under way, the run is parked.
  std::optional<size_t> run_wait(const std::shared_ptr<RunState>& run, size_t i, int index, int attempt,
                                 const Json* item, Json in) {
    const PlanStep& ps = run->plan->steps[i];
    const std::string& uses = ps.type->signature.uses;
    if (index >= 0) {
      return attempt_done(run, i, index, attempt, item, LH_INVALID_INPUT, Json(),
                          Error{uses + " cannot run inside foreach", error_codes::invalid_input}, 0);
    }
    if (!store.supports_waits()) {
      return attempt_done(run, i, index, attempt, item, LH_ERROR, Json(),
                          Error{uses + " parks its run in the run database; this executor's store keeps no waits "
                                       "(use linkhub run, worker or serve)",
                                error_codes::unavailable},
                          0);
    }
    const int64_t now = now_ms();
    auto spec = wait_spec(uses, in, now);
    if (!spec) {
      return attempt_done(run, i, index, attempt, item, LH_INVALID_INPUT, Json(),
                          Error{"with: " + spec.error().message, spec.error().code}, 0);
    }
    WaitRecord wait{run->record.id, ps.decl->id, spec->key, spec->deadline_ms, now};
    flush(*run);  // the run's start, maybe not written yet, comes first
    store_call(*run, [&] { wait = store.begin_wait(wait); });
    {
      RunLock lock(*this, *run);
      StepRun& sr = run->steps[i];
      if (!sr.started) {
        sr.started = true;
        sr.start_us = steady_us();
      }
      sr.attempts = attempt;
      StepRecord rec = step_record(*run, i, -1, attempt, StepStatus::Waiting);
      rec.input = std::move(in);
      rec.started_ms = now;
      Json payload{{"attempt", attempt}};
      if (!wait.key.empty()) {
        payload["key"] = wait.key;
      }
      if (wait.deadline_ms != 0) {
        payload["deadline_ms"] = wait.deadline_ms;
      }
      record(*run, std::move(rec),
             EventRecord{"", 0, 0, to_string(EventType::StepWaiting), "", -1, std::move(payload)});
    }
    if (wait.state != "waiting") {
      return attempt_done(run, i, -1, attempt, nullptr, LH_OK, wait_output(uses, wait), Error{}, 0);
    }
    RunLock lock(*this, *run);
    StepRun& sr = run->steps[i];
    sr.parked = true;
    sr.wait = std::move(wait);
    if (--run->active_steps == 0) {
      park(run, lock.held);
    }
    return std::nullopt;
  }

  // Everything of the run that is left waits (called with run->mutex held,
  // nothing under way). The store parks it (status waiting, no lease) unless
  // a wait was resolved meanwhile: those steps go on here instead.
  void park(const std::shared_ptr<RunState>& run, std::unique_lock<std::mutex>& lock) {
    if (run->cancelled) {
      cancel_parked(run, lock);
      return;
    }
    Json waits = Json::array();
    for (size_t i = 0; i < run->steps.size(); ++i) {
      const StepRun& sr = run->steps[i];
      if (sr.parked) {
        waits.push_back(
            Json{{"step", run->plan->steps[i].decl->id}, {"key", sr.wait.key}, {"deadline_ms", sr.wait.deadline_ms}});
      }
    }
    EventRecord event{
        run->record.id, 0, now_ms(), to_string(EventType::RunWaiting), "", -1, Json{{"waits", std::move(waits)}}};
    mask(event);
    EventRecord copy = event;
    lock.unlock();
    flush(*run);  // every step's state is stored before the run is parked
    std::vector<WaitRecord> resolved;
    const bool parked = store_call(*run, [&] { resolved = store.park_run(run->record.id, std::move(event)); });
    if (parked && resolved.empty()) {
      emit(copy);
    }
    lock.lock();
    if (resolved.empty()) {
      end_parked(run, lock);
      return;
    }
    size_t resumed = 0;
    for (const WaitRecord& w : resolved) {
      if (w.state == "cancelled") {
        run->cancelled = true;
        cancel_parked(run, lock);
        return;
      }
      for (size_t i = 0; i < run->steps.size(); ++i) {
        StepRun& sr = run->steps[i];
        if (sr.parked && run->plan->steps[i].decl->id == w.step_id) {
          sr.parked = false;
          ++run->active_steps;
          ++resumed;
          const Json output = wait_output(run->plan->steps[i].type->signature.uses, w);
          pool.submit([this, run, i, attempt = sr.attempts, output] {
            if (auto next = attempt_done(run, i, -1, attempt, nullptr, LH_OK, output, Error{}, 0)) {
              process_step(run, *next);
            }
          });
        }
      }
    }
    if (resumed == 0) {
      // Cannot happen (the store reports waits of waiting steps only); should
      // it, the run leaves this node with its lease, and is resumed elsewhere.
      end_parked(run, lock);
    }
  }

  // The run was cancelled: its parked steps end cancelled (and with them, the run).
  void cancel_parked(const std::shared_ptr<RunState>& run, std::unique_lock<std::mutex>& lock) {
    std::vector<size_t> parked;
    for (size_t i = 0; i < run->steps.size(); ++i) {
      if (run->steps[i].parked) {
        run->steps[i].parked = false;
        parked.push_back(i);
      }
    }
    run->active_steps += parked.size();
    for (size_t i : parked) {
      if (auto next = finish_step(run, i, StepStatus::Cancelled, Json(nullptr),
                                  Error{"the run was cancelled while it waited", error_codes::cancelled}, lock)) {
        pool.submit([this, run, d = *next] { process_step(run, d); });
      }
    }
  }

  // The run is parked in the store: this process forgets it (Node: the run
  // leaves `held`; wait() answers status waiting).
  void end_parked(const std::shared_ptr<RunState>& run, std::unique_lock<std::mutex>& lock) {
    run->record.status = RunStatus::Waiting;
    run->done = true;
    const RunRecord rec = run->record;
    lock.unlock();
    run->done_cv.notify_all();
    if (options.on_run_finished) {
      options.on_run_finished(rec);
    }
    {
      std::lock_guard g(runs_mutex);
      if (options.on_run_finished) {
        runs.erase(rec.id);
      }
      --active;
    }
    runs_cv.notify_all();
    lock.lock();
  }

  std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) const {
    double ms = static_cast<double>(policy.initial.count());
    if (policy.backoff == Backoff::Exponential) {
      for (int k = 1; k < attempt && ms < static_cast<double>(policy.max.count()); ++k) {
        ms *= policy.multiplier;
      }
    }
    ms = std::min(ms, static_cast<double>(policy.max.count()));
    if (policy.jitter) {
      // "Equal jitter": half fixed, half random, so retries spread but never collapse to zero.
      thread_local std::mt19937_64 rng{std::random_device{}()};
      ms = ms / 2 + std::uniform_real_distribution<double>(0, ms / 2)(rng);
    }
    return std::chrono::milliseconds(static_cast<int64_t>(ms));
  }

  std::optional<size_t> attempt_done(const std::shared_ptr<RunState>& run, size_t i, int index, int attempt,
                                     const Json* item, lh_status status, Json output, Error error, int64_t elapsed_us) {
    const PlanStep& ps = run->plan->steps[i];
    const RetryPolicy& policy = ps.decl->retry;
    if (status == LH_OK) {
      if (index < 0) {
        std::optional<size_t> next;
        bool deferred = false;
        {
          RunLock lock(*this, *run);
          run->steps[i].attempts = attempt;
          next = finish_step(run, i, StepStatus::Succeeded, std::move(output), Error{}, lock.held, elapsed_us);
          deferred = defer_end(*run, ps, lock);
        }
        if (deferred) {
          write_later(run);
        }
        return next;
      }
      return item_done(run, i, index, attempt, std::move(output), Error{}, elapsed_us);
    }
    const bool retry = status == LH_RETRYABLE && attempt < policy.attempts && !run->cancelled;
    if (retry) {
      const auto delay = backoff(policy, attempt);
      {
        RunLock lock(*this, *run);
        StepRecord rec = step_record(*run, i, index, attempt, StepStatus::Retrying);
        rec.error = error.message;
        rec.error_code = error.code;
        rec.error_details = error.details;
        record(*run, std::move(rec),
               EventRecord{"", 0, 0, to_string(EventType::StepRetrying), "", index,
                           with_code(Json{{"attempt", attempt}, {"error", error.message}, {"delay_ms", delay.count()}},
                                     error)});
      }
      timers.at(SteadyClock::now() + delay, [this, run, i, index, attempt, item] {
        pool.submit([this, run, i, index, attempt, item] {
          if (auto next = run_attempt(run, i, index, attempt + 1, item)) {
            process_step(run, *next);
          }
        });
      });
      return std::nullopt;
    }
    if (attempt > 1) {
      error.message += " (after " + std::to_string(attempt) + " attempts)";
    }
    if (index < 0) {
      RunLock lock(*this, *run);
      run->steps[i].attempts = attempt;
      const StepStatus final_status = run->cancelled ? StepStatus::Cancelled : StepStatus::Failed;
      return finish_step(run, i, final_status, Json(nullptr), error, lock.held, elapsed_us);
    }
    return item_done(run, i, index, attempt, Json(nullptr), std::move(error), elapsed_us);
  }

  std::optional<size_t> item_done(const std::shared_ptr<RunState>& run, size_t i, int index, int attempt, Json output,
                                  Error error, int64_t elapsed_us) {
    const PlanStep& ps = run->plan->steps[i];
    std::vector<size_t> launch;
    std::optional<size_t> next;
    bool deferred = false;
    {
      RunLock lock(*this, *run);
      StepRun& sr = run->steps[i];
      const bool ok = error.message.empty();
      StepRecord rec = step_record(*run, i, index, attempt, ok ? StepStatus::Succeeded : StepStatus::Failed);
      rec.output = output;
      rec.error = error.message;
      rec.error_code = error.code;
      rec.error_details = error.details;
      rec.finished_ms = now_ms();
      record(*run, std::move(rec),
             EventRecord{"", 0, 0, to_string(ok ? EventType::ItemSucceeded : EventType::ItemFailed), "", index,
                         ok ? Json{{"attempt", attempt}, {"duration_us", elapsed_us}}
                            : with_code(Json{{"attempt", attempt}, {"error", error.message}}, error)});
      sr.attempts = std::max(sr.attempts, attempt);
      sr.item_outputs[static_cast<size_t>(index)] = std::move(output);
      --sr.in_flight;
      ++sr.done_items;
      if (!ok && !sr.item_failed) {
        sr.item_failed = true;
        sr.item_error = std::move(error);
        sr.item_error.message = "item " + std::to_string(index) + ": " + sr.item_error.message;
      }
      const bool stop = sr.item_failed || run->cancelled;
      const size_t limit = ps.decl->concurrency > 0 ? static_cast<size_t>(ps.decl->concurrency) : sr.items.size();
      if (!stop) {
        sr.take_items(limit, launch);
      }
      if (sr.in_flight == 0 && (stop || sr.done_items == sr.items.size())) {
        if (sr.item_failed || stop) {
          const Error failure =
              sr.item_failed ? sr.item_error : Error{"not all items ran: the run stopped", error_codes::cancelled};
          next = finish_step(run, i, run->cancelled ? StepStatus::Cancelled : StepStatus::Failed, Json(nullptr),
                             failure, lock.held);
        } else {
          Json all = Json::array();
          for (auto& o : sr.item_outputs) {
            all.push_back(std::move(o));
          }
          next = finish_step(run, i, StepStatus::Succeeded, std::move(all), Error{}, lock.held);
        }
      }
      deferred = ok && !sr.item_failed && defer_end(*run, ps, lock);
    }
    if (deferred) {
      write_later(run);
    }
    for (size_t idx : launch) {
      submit_item(run, i, idx);
    }
    return next;
  }

  std::optional<size_t> finish_locked(const std::shared_ptr<RunState>& run, size_t i, StepStatus status, Json output,
                                      const Error& error) {
    std::optional<size_t> next;
    {
      RunLock lock(*this, *run);
      next = finish_step(run, i, status, std::move(output), error, lock.held);
    }
    return next;
  }

  // Records the step's end, releases its dependents and, when it was the last
  // step, finishes the run. Called with run->mutex held (released before the
  // run's waiters are woken). Returns a dependent to continue with on this thread.
  std::optional<size_t> finish_step(const std::shared_ptr<RunState>& run, size_t i, StepStatus status, Json output,
                                    const Error& error, std::unique_lock<std::mutex>& lock, int64_t elapsed_us = -1) {
    const PlanStep& ps = run->plan->steps[i];
    StepRun& sr = run->steps[i];
    sr.status = status;
    sr.end_us = steady_us();
    if (!sr.started) {
      sr.start_us = sr.end_us;
    }
    sr.error = error;
    if (status == StepStatus::Failed && ps.decl->continue_on_error) {
      output = Json::object();
    }
    (*sr.view)["status"] = std::string(to_string(status));
    (*sr.view)["outputs"] = status == StepStatus::Succeeded ? output : Json::object();

    StepRecord rec = step_record(*run, i, -1, sr.attempts, status);
    rec.output = std::move(output);
    rec.error = error.message;
    rec.error_code = error.code;
    rec.error_details = error.details;
    rec.finished_ms = now_ms();
    const EventType type = status == StepStatus::Succeeded ? EventType::StepSucceeded
                           : status == StepStatus::Failed  ? EventType::StepFailed
                           : status == StepStatus::Skipped ? EventType::StepSkipped
                                                           : EventType::StepCancelled;
    Json payload = Json::object();
    if (status == StepStatus::Succeeded || status == StepStatus::Failed) {
      payload["attempts"] = sr.attempts;
      payload["duration_us"] = elapsed_us >= 0 ? elapsed_us : sr.end_us - sr.start_us;
    }
    if (!error.message.empty()) {
      payload[status == StepStatus::Failed ? "error" : "reason"] = error.message;
      payload = with_code(std::move(payload), error);
    }
    if (status == StepStatus::Failed && ps.decl->continue_on_error) {
      payload["continue_on_error"] = true;
    }
    record(*run, std::move(rec), EventRecord{"", 0, 0, to_string(type), "", -1, std::move(payload)});

    if (status == StepStatus::Failed && !ps.decl->continue_on_error && !run->failed) {
      run->failed = true;
      run->failure = step_failure(ps.decl->id, error);
    }
    std::vector<size_t> ready;
    for (size_t d : ps.dependents) {
      if (--run->steps[d].pending_needs == 0) {
        ready.push_back(d);
      }
    }
    --run->active_steps;
    run->active_steps += ready.size();
    if (--run->remaining == 0) {
      finish_run(run, lock);
      return std::nullopt;
    }
    if (run->active_steps == 0) {
      park(run, lock);  // what is left waits for an event or a deadline
      return std::nullopt;
    }
    if (ready.empty()) {
      return std::nullopt;
    }
    lock.unlock();
    for (size_t k = 1; k < ready.size(); ++k) {
      pool.submit([this, run, d = ready[k]] { process_step(run, d); });
    }
    lock.lock();
    return ready[0];
  }

  void launch(const std::shared_ptr<RunState>& run, EventRecord event, const Creation* creation = nullptr);
  void run_pure_steps(const std::shared_ptr<RunState>& run, size_t i);

  void finish_run(const std::shared_ptr<RunState>& run, std::unique_lock<std::mutex>& lock) {
    RunRecord& rec = run->record;
    if (run->cancelled) {
      rec.status = RunStatus::Cancelled;
      rec.error = "the run was cancelled";
      rec.error_code = error_codes::cancelled;
    } else if (run->failed) {
      rec.status = RunStatus::Failed;
      rec.error = run->failure.message;
      rec.error_code = run->failure.code;
      rec.error_details = run->failure.details;
    } else {
      auto outputs = run->plan->outputs.render(lua::Sandbox::for_this_thread(options.expression_limits), run->bindings);
      if (outputs) {
        rec.status = RunStatus::Succeeded;
        rec.outputs = std::move(*outputs);
        mask(rec.outputs);
      } else {
        rec.status = RunStatus::Failed;
        rec.error = "outputs: " + redact(outputs.error().message);
        rec.error_code = error_codes::expression_error;
      }
    }
    rec.finished_ms = now_ms();
    const EventType type = rec.status == RunStatus::Succeeded ? EventType::RunSucceeded
                           : rec.status == RunStatus::Failed  ? EventType::RunFailed
                                                              : EventType::RunCancelled;
    rec.error = redact(std::move(rec.error));
    EventRecord ev{rec.id,
                   0,
                   now_ms(),
                   to_string(type),
                   "",
                   -1,
                   rec.error.empty()
                       ? Json::object()
                       : with_code(Json{{"error", rec.error}}, Error{rec.error, rec.error_code, rec.error_details})};
    mask(ev);
    RunRecord stored = rec;
    mask(stored);
    enqueue(*run, RunWrite{RunWrite::Kind::run_update, {}, std::move(stored), std::move(ev)});
    // Waiters see the run done only once everything it recorded is stored.
    lock.unlock();
    flush(*run);
    lock.lock();
    run->done = true;
    lock.unlock();
    run->done_cv.notify_all();
    if (options.on_run_finished) {
      options.on_run_finished(rec);
    }
    {
      std::lock_guard g(runs_mutex);
      if (options.on_run_finished) {
        runs.erase(rec.id);  // nobody waits for it: the callback was told
      }
      --active;
    }
    runs_cv.notify_all();
    lock.lock();
  }
};

Executor::Executor(const PluginHost& host, RunStore& store, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(host, store, std::move(options))) {}

Executor::~Executor() {
  std::unique_lock lock(impl_->runs_mutex);
  impl_->runs_cv.wait(lock, [this] { return impl_->active == 0; });
}

int Executor::threads() const {
  return impl_->pool.size();
}

PlanOptions Executor::plan_options() const {
  return PlanOptions{impl_->options.plugin_configs, impl_->options.step_limits};
}

Result<std::shared_ptr<const Plan>> Executor::prepare(const Workflow& workflow) const {
  Compiled compiled = compile_workflow(workflow, impl_->host, plan_options());
  if (!compiled.ok()) {
    return Error{compiled.first_problem()};
  }
  return compiled.plan;
}

Result<Json> Executor::prepare_inputs(const Workflow& workflow, const Json& given) {
  return linkhub::prepare_inputs(workflow, given);
}

namespace {

std::shared_ptr<RunState> new_run_state(std::shared_ptr<const Plan> plan, RunRecord record) {
  auto run = std::make_shared<RunState>();
  run->plan = std::move(plan);
  run->inputs = record.inputs;
  run->record = std::move(record);
  run->run_view = Json{{"id", run->record.id}, {"workflow", run->plan->workflow.name}};
  run->steps.resize(run->plan->steps.size());
  run->steps_view = run->plan->steps_view;
  for (size_t i = 0; i < run->plan->steps.size(); ++i) {
    run->steps[i].pending_needs = run->plan->steps[i].needs.size();
    run->steps[i].view = &run->steps_view[run->plan->steps[i].decl->id];
  }
  run->remaining = run->plan->steps.size();
  return run;
}

}  // namespace

// Registers the run, records `event` with its running state, and starts every
// step that is ready (or finishes the run when nothing is left to do).
void Executor::Impl::launch(const std::shared_ptr<RunState>& run, EventRecord event, const Creation* creation) {
  run->artifact_dir = (options.artifact_dir / run->record.id).string();
  run->bindings = run_bindings(*run);
  if (options.on_run_launched) {
    options.on_run_launched(run->record);
  }
  {
    std::lock_guard lock(runs_mutex);
    runs[run->record.id] = run;
    ++active;
  }
  mask(event);
  RunRecord stored = run->record;
  mask(stored);
  {
    // Written with the run's first step records (the run stays claimed
    // meanwhile): a crash before that resumes it as it was stored.
    std::lock_guard lock(run->mutex);
    if (creation != nullptr) {
      RunRecord queued = run->record;  // as stored when created: not started yet
      queued.status = RunStatus::Queued;
      queued.started_ms = 0;
      enqueue(
          *run,
          RunWrite{RunWrite::Kind::create, {}, std::move(queued), {}, false, creation->owner, creation->lease.count()});
    }
    enqueue(*run, RunWrite{RunWrite::Kind::run_update, {}, std::move(stored), std::move(event)});
    if (creation != nullptr) {
      run->deferred_upto = run->queued;  // stored before any step with an effect is called (barrier)
    }
  }
  if (options.start_record_after.count() <= 0) {
    flush(*run);
  }
  std::vector<size_t> ready;
  for (size_t i = 0; i < run->steps.size(); ++i) {
    const StepRun& sr = run->steps[i];
    if (!is_final(sr.status) && sr.pending_needs == 0) {
      ready.push_back(i);
    }
  }
  if (run->remaining == 0) {
    RunLock lock(*this, *run);
    finish_run(run, lock.held);
    return;
  }
  run->active_steps = ready.size();
  const bool here = run_pure_steps_here && !ready.empty() && run->plan->steps[ready[0]].type->signature.pure;
  for (size_t k = here ? 1 : 0; k < ready.size(); ++k) {
    pool.submit([this, run, i = ready[k]] { process_step(run, i); });
  }
  if (here) {
    run_pure_steps(run, ready[0]);
  }
}

// On the caller's thread (Executor::RunPureStepsHere): pure steps, one
// after another, until one that is not pure, which goes to the pool.
void Executor::Impl::run_pure_steps(const std::shared_ptr<RunState>& run, size_t i) {
  for (;;) {
    std::optional<size_t> next = begin_step(run, i);
    if (!next) {
      return;
    }
    if (!run->plan->steps[*next].type->signature.pure) {
      pool.submit([this, run, d = *next] { process_step(run, d); });
      return;
    }
    i = *next;
  }
}

bool Executor::RunPureStepsHere::active() {
  return run_pure_steps_here;
}

Executor::RunPureStepsHere::RunPureStepsHere() : outer_(!run_pure_steps_here) {
  run_pure_steps_here = true;
}

Executor::RunPureStepsHere::~RunPureStepsHere() {
  if (outer_) {
    run_pure_steps_here = false;
  }
}

Result<std::string> Executor::start(std::shared_ptr<const Plan> plan, const Json& inputs,
                                    const std::string& idempotency_key) {
  auto prepared = prepare_inputs(plan->workflow, inputs);
  if (!prepared) {
    return prepared.error();
  }
  RunRecord rec;
  rec.workflow = plan->workflow.name;
  rec.workflow_version = plan->workflow.version;
  rec.workflow_hash = plan->hash;
  rec.inputs = std::move(*prepared);
  rec.idempotency_key = idempotency_key;
  rec.status = RunStatus::Queued;
  const Json real_inputs = rec.inputs;
  impl_->mask(rec.inputs);
  rec = impl_->store.create_run(std::move(rec));
  rec.inputs = real_inputs;
  if (rec.status != RunStatus::Queued) {
    return rec.id;  // an earlier run with this idempotency key
  }
  rec.status = RunStatus::Running;
  rec.started_ms = now_ms();
  auto run = new_run_state(std::move(plan), rec);
  impl_->launch(
      run, EventRecord{rec.id, 0, now_ms(), to_string(EventType::RunStarted), "", -1, Json{{"inputs", run->inputs}}});
  return rec.id;
}

Result<std::string> Executor::start_unstored(std::shared_ptr<const Plan> plan, RunRecord run, Creation creation) {
  if (run.status != RunStatus::Queued || run.started_ms != 0) {
    return Error{"run " + run.id + " is not a new run"};
  }
  return resume_run(std::move(plan), std::move(run), {}, &creation);
}

void Executor::flush(const std::string& run_id) {
  std::shared_ptr<RunState> run;
  {
    std::lock_guard lock(impl_->runs_mutex);
    auto it = impl_->runs.find(run_id);
    if (it == impl_->runs.end()) {
      return;  // finished: everything it queued was written
    }
    run = it->second;
  }
  impl_->flush(*run);
}

Result<std::string> Executor::resume(std::shared_ptr<const Plan> plan, RunRecord record,
                                     const std::vector<StepRecord>& steps) {
  return resume_run(std::move(plan), std::move(record), steps, nullptr);
}

Result<std::string> Executor::resume_run(std::shared_ptr<const Plan> plan, RunRecord record,
                                         const std::vector<StepRecord>& steps, const Creation* creation) {
  if (record.status != RunStatus::Queued && record.status != RunStatus::Running) {
    return Error{"run " + record.id + " is " + std::string(to_string(record.status)) + ": nothing to resume"};
  }
  if (record.workflow_hash != plan->hash) {
    return Error{"run " + record.id + " was started from another version of workflow '" + record.workflow + "'"};
  }
  const bool fresh = record.status == RunStatus::Queued && steps.empty() && record.started_ms == 0;
  record.status = RunStatus::Running;
  if (record.started_ms == 0) {
    record.started_ms = now_ms();
  }
  auto run = new_run_state(std::move(plan), std::move(record));
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < run->plan->steps.size(); ++i) {
    index[run->plan->steps[i].decl->id] = i;
  }
  Json resumed_steps = Json::array();
  // Items first, so a step's own record below sees them.
  for (const StepRecord& rec : steps) {
    auto it = index.find(rec.step_id);
    if (it == index.end()) {
      continue;  // cannot happen for the same workflow hash
    }
    StepRun& sr = run->steps[it->second];
    if (rec.index >= 0) {
      if (rec.status == StepStatus::Succeeded) {
        sr.prior_item_outputs[rec.index] = rec.output;
      }
      sr.prior_item_attempts[rec.index] = rec.attempt;
    }
  }
  for (const StepRecord& rec : steps) {
    auto it = index.find(rec.step_id);
    if (it == index.end() || rec.index >= 0) {
      continue;
    }
    const size_t i = it->second;
    StepRun& sr = run->steps[i];
    sr.prior_attempts = rec.attempt;
    sr.attempts = rec.attempt;
    if (!is_final(rec.status)) {
      continue;  // was in flight: runs again (at least once), same idempotency key
    }
    const PlanStep& ps = run->plan->steps[i];
    sr.status = rec.status;
    sr.error = Error{rec.error, rec.error_code, rec.error_details};
    (*sr.view)["status"] = std::string(to_string(rec.status));
    (*sr.view)["outputs"] = rec.status == StepStatus::Succeeded ? rec.output : Json::object();
    if (rec.status == StepStatus::Failed && !ps.decl->continue_on_error && !run->failed) {
      run->failed = true;
      run->failure = step_failure(ps.decl->id, sr.error);
    }
    for (size_t d : ps.dependents) {
      --run->steps[d].pending_needs;
    }
    --run->remaining;
    resumed_steps.push_back(ps.decl->id);
  }
  const std::string id = run->record.id;
  impl_->launch(run,
                EventRecord{id, 0, now_ms(), to_string(fresh ? EventType::RunStarted : EventType::RunResumed), "", -1,
                            fresh ? Json{{"inputs", run->inputs}} : Json{{"finished_steps", resumed_steps}}},
                creation);
  return id;
}

RunResult Executor::wait(const std::string& run_id) {
  std::shared_ptr<RunState> run;
  {
    std::lock_guard lock(impl_->runs_mutex);
    auto it = impl_->runs.find(run_id);
    if (it != impl_->runs.end()) {
      run = it->second;
    }
  }
  RunResult result;
  result.run_id = run_id;
  if (!run) {
    if (auto rec = impl_->store.get_run(run_id)) {
      result.status = rec->status;
      result.outputs = rec->outputs;
      result.error = rec->error;
      result.error_code = rec->error_code;
      result.error_details = rec->error_details;
    }
    return result;
  }
  std::unique_lock lock(run->mutex);
  run->done_cv.wait(lock, [&] { return run->done; });
  result.status = run->record.status;
  result.outputs = run->record.outputs;
  result.error = run->record.error;
  result.error_code = run->record.error_code;
  result.error_details = run->record.error_details;
  for (size_t i = 0; i < run->steps.size(); ++i) {
    const StepRun& sr = run->steps[i];
    Json outputs = sr.status == StepStatus::Succeeded ? (*sr.view)["outputs"] : Json();
    impl_->mask(outputs);
    result.steps.push_back(StepResult{run->plan->steps[i].decl->id, sr.status, sr.attempts, std::move(outputs),
                                      sr.error.message, sr.end_us - sr.start_us, sr.error.code, sr.error.details});
  }
  lock.unlock();
  std::lock_guard g(impl_->runs_mutex);
  impl_->runs.erase(run_id);
  return result;
}

Result<RunResult> Executor::run(std::shared_ptr<const Plan> plan, const Json& inputs) {
  auto id = start(std::move(plan), inputs);
  if (!id) {
    return id.error();
  }
  return wait(*id);
}

bool Executor::cancel(const std::string& run_id) {
  std::shared_ptr<RunState> run;
  {
    std::lock_guard lock(impl_->runs_mutex);
    auto it = impl_->runs.find(run_id);
    if (it == impl_->runs.end()) {
      return false;
    }
    run = it->second;
  }
  std::lock_guard lock(run->mutex);
  if (run->done) {
    return false;
  }
  run->cancelled = true;
  for (auto& control : run->live_attempts) {
    control->cancelled = true;
  }
  return true;
}

}  // namespace linkhub
