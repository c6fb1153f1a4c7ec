// SqlStore: a run's writes as one batch (RunStore::write_all,
// LeasedRunWrites::write_all), and group commit on SQLite.
//
// SQLite has one writer and this process one connection to it: every commit
// waits for the one before. Batches that arrive while one is being committed
// are committed together by the next caller to find the writer free (the
// "leader"), in one transaction: each still under its own run's epoch check,
// a stale one stores nothing and the others are stored. Nobody waits for a
// group to fill: a lone batch is committed at once. When a group's
// transaction fails, each of its batches is tried again alone, so an error
// reaches the caller whose write caused it and nobody else. A new run's
// insert (a trigger) is a batch too.
//
// PostgreSQL commits on a pool of connections in parallel, and one
// transaction locking several runs' rows could deadlock with a heartbeat
// renewing them in another order: there each batch is its own transaction,
// its epoch check and writes sent and committed in one round trip
// (pg_pipeline.hpp).
#include "pg_pipeline.hpp"
#include "sql_store_impl.hpp"

#include <map>
#include <string_view>

namespace linkhub {

using namespace sql_detail;

void SqlStore::write_all(std::vector<RunWrite>& writes) {
  if (!writes.empty()) {
    const std::string run_id = writes.front().run_id();
    impl_->write_all(run_id, writes, kUnfenced);
  }
}

LeaseWrite SqlStore::write_all(const std::string& run_id, std::vector<RunWrite>& writes, int64_t epoch) {
  return impl_->write_all(run_id, writes, epoch);
}

LeaseWrite SqlStore::Impl::write_all(const std::string& run_id, std::vector<RunWrite>& writes, long long epoch) {
  Batch mine{&run_id, &writes, epoch, {}};
  commit(mine);
  if (mine.error) {
    std::rethrow_exception(mine.error);
  }
  return mine.result;
}

void SqlStore::Impl::commit(Batch& mine) {
  if (db->postgres()) {
    commit_alone(mine);
    return;
  }
  // `done` is read and written under group_mutex only.
  std::condition_variable woken;
  mine.woken = &woken;
  std::unique_lock lock(group_mutex);
  group_queue.push_back(&mine);
  while (!mine.done) {
    if (group_leader) {
      woken.wait(lock);
      continue;
    }
    group_leader = true;
    std::vector<Batch*> group;
    group.swap(group_queue);  // holds `mine`: no leader took it, or it would be done
    lock.unlock();
    commit_group(group);
    lock.lock();
    for (Batch* batch : group) {
      batch->done = true;  // under the lock: its caller reads it under the lock
      batch->woken->notify_one();
    }
    group_leader = false;
    if (!group_queue.empty()) {
      group_queue.front()->woken->notify_one();  // it leads the next group
    }
  }
}

namespace {

// The epoch check of a pipelined batch: a stale epoch (no row) divides by
// zero, which fails the statement, and the server skips the writes after it.
const PgStatement kPgHolds{"lh_batch_holds",
                           "SELECT 1 / COUNT(*) FROM (SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e "
                           "FOR SHARE) AS held"};
const PgStatement kPgHoldsLive{"lh_batch_holds_live",
                               "SELECT 1 / COUNT(*) FROM (SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e "
                               "AND lease_expires_ms >= :now FOR SHARE) AS held"};
constexpr const char* kDivisionByZero = "22012";
// Every event of a batch in one statement: its columns as arrays.
const PgStatement kPgEvents{"lh_batch_events",
                            "INSERT INTO lh_events (run_id, seq, time_ms, type, step_id, item_index, payload) "
                            "SELECT :r, e.seq, e.time_ms, e.type, e.step_id, e.item_index, e.payload FROM unnest("
                            "CAST(:s AS BIGINT[]), CAST(:t AS BIGINT[]), CAST(:y AS TEXT[]), CAST(:st AS TEXT[]), "
                            "CAST(:i AS INTEGER[]), CAST(:p AS TEXT[])) AS e(seq, time_ms, type, step_id, "
                            "item_index, payload)"};
const PgStatement kPgStep{"lh_batch_step", kStepUpsertSql};
const PgStatement kPgRunInsert{"lh_batch_run_insert", kRunInsertSql};
const PgStatement kPgNotify{"lh_batch_notify", "SELECT pg_notify('linkhub_work', '')"};
const PgStatement kPgRun{"lh_batch_run", kRunUpdateSql};
const PgStatement kPgRunWaits{"lh_batch_run_waits", kRunWaitsDeleteSql};

// A step's start and end in one batch (a fast step) make one row: the end,
// with the start's input and start time, as the upsert would keep them.
void absorb(StepRecord& start, StepRecord& end) {
  if (end.input.is_null()) {
    end.input = std::move(start.input);
  }
  if (end.started_ms == 0) {
    end.started_ms = start.started_ms;
  }
}

// A failed step that ran becomes a dead letter (store_transition): that
// rare write reads what is stored, so such a batch goes statement by statement.
bool makes_a_dead_letter(const std::vector<RunWrite>& writes) {
  return std::any_of(writes.begin(), writes.end(), [](const RunWrite& w) {
    return w.kind == RunWrite::Kind::transition && w.step.status == StepStatus::Failed && w.step.attempt >= 1;
  });
}

}  // namespace

void SqlStore::Impl::pipe_events(soci::session& sql, PgPipeline& pipe, const std::string& run_id,
                                 const std::vector<EventRecord*>& events) {
  if (events.empty()) {
    return;
  }
  PgArray seqs, times, types, step_ids, indexes, payloads;
  for (EventRecord* e : events) {
    e->run_id = run_id;
    number_event(sql, *e);
    seqs.add(static_cast<long long>(e->seq));
    times.add(static_cast<long long>(e->time_ms));
    types.add(e->type);
    step_ids.add(e->step_id);
    indexes.add(static_cast<long long>(e->index));
    payloads.add(e->payload.dump());
  }
  pipe.add(kPgEvents, {run_id, seqs.literal(), times.literal(), types.literal(), step_ids.literal(), indexes.literal(),
                       payloads.literal()});
}

std::optional<bool> SqlStore::Impl::create_pipelined(const RunRecord& run, const std::string& owner,
                                                     std::chrono::milliseconds lease) {
  return write_for(run.id, [&](soci::session& sql, bool& reached) -> std::optional<bool> {
    if (!owner.empty() && concurrency_of(sql, run.workflow_hash) > 0) {
      return std::nullopt;  // whether it has room is read in its transaction, before its insert
    }
    const bool claimed = !owner.empty();
    const long long expires = claimed ? now_ms() + lease.count() : 0;
    PgPipeline pipe(sql, db->statements(sql));
    pipe.sync_first(reached);
    pipe.add(kPgRunInsert, {run.id, run.workflow, std::to_string(run.workflow_version), run.workflow_hash,
                            std::string(to_string(run.status)), run.inputs.dump(), run.outputs.dump(), run.error,
                            run.idempotency_key, std::to_string(run.created_ms), claimed ? owner : std::string(),
                            std::to_string(expires), claimed ? "1" : "0", claimed ? "1" : "0"});
    EventRecord created{run.id, 0, run.created_ms, to_string(EventType::RunCreated), "", -1, created_payload(run)};
    first_seq(run.id);
    pipe_events(sql, pipe, run.id, {&created});
    if (!claimed) {
      pipe.add(kPgNotify, {});  // a claimed run is this node's: no other node needs waking
    }
    pipe.run();
    return claimed;
  });
}

bool SqlStore::Impl::store_batch_pipelined(soci::session& sql, Batch& batch, bool& reached) {
  const std::string& run_id = *batch.run_id;
  PgPipeline pipe(sql, db->statements(sql));
  pipe.sync_first(reached);
  const bool fenced = batch.epoch != kUnfenced;
  if (fenced) {
    if (gates_a_call(*batch.writes)) {
      pipe.add(kPgHoldsLive, {run_id, std::to_string(batch.epoch), std::to_string(now_ms())});
    } else {
      pipe.add(kPgHolds, {run_id, std::to_string(batch.epoch)});
    }
  }
  std::vector<StepRecord*> steps;  // one per step (and item) of the batch: the last record of it
  std::map<std::pair<std::string_view, int>, size_t> step_at;  // where each is in `steps`
  std::vector<EventRecord*> events;
  bool finished = false;
  for (RunWrite& w : *batch.writes) {
    switch (w.kind) {
      case RunWrite::Kind::transition: {
        StepRecord& st = w.step;
        st.run_id = run_id;
        auto [at, first] = step_at.try_emplace({st.step_id, st.index}, steps.size());
        if (first) {
          steps.push_back(&st);
        } else {
          absorb(*steps[at->second], st);
          steps[at->second] = &st;
        }
        events.push_back(&w.event);
        break;
      }
      case RunWrite::Kind::run_update: {
        const RunRecord& run = w.run;
        const std::string status(to_string(run.status));
        pipe.add(kPgRun, {status, run.outputs.dump(), run.error, std::to_string(run.started_ms),
                          std::to_string(run.finished_ms), run.error_code, run.error_details.dump(), run.id});
        events.push_back(&w.event);
        if (final_run(status)) {
          pipe.add(kPgRunWaits, {run.id});
          finished = true;
        }
        break;
      }
      case RunWrite::Kind::event:
        events.push_back(&w.event);
        break;
      case RunWrite::Kind::create:
        throw std::logic_error("a run's insert in a pipelined batch");  // commit_alone sends none here
    }
  }
  for (const StepRecord* st : steps) {
    pipe.add(kPgStep, {st->run_id, st->step_id, std::to_string(st->index), std::to_string(st->attempt),
                       std::string(to_string(st->status)), st->input.dump(), st->output.dump(), st->error,
                       std::to_string(st->started_ms), std::to_string(st->finished_ms), st->error_code,
                       st->error_details.dump()});
  }
  pipe_events(sql, pipe, run_id, events);
  long failed_at = -1;
  try {
    failed_at = pipe.run(kDivisionByZero);
  } catch (...) {
    forget_seq(run_id);  // the numbers its events took were not stored (write_pipelined may run it once more)
    throw;
  }
  if (failed_at >= 0) {
    forget_seq(run_id);
    batch.result = LeaseWrite::stale;
    return false;
  }
  batch.result = LeaseWrite::done;
  return finished;
}

bool SqlStore::Impl::store_batch(soci::session& sql, Batch& batch) {
  const std::string& run_id = *batch.run_id;
  if (batch.create) {
    batch.create(sql);
    batch.result = LeaseWrite::done;
    return false;
  }
  if (!batch.writes->empty() && batch.writes->front().kind == RunWrite::Kind::create) {
    const RunWrite& create = batch.writes->front();
    insert_run(sql, create.run, create.lease_owner, now_ms() + create.lease_ms);
  }
  if (!holds(sql, run_id, batch.epoch, gates_a_call(*batch.writes))) {
    batch.result = LeaseWrite::stale;
    return false;
  }
  bool finished = false;
  for (RunWrite& w : *batch.writes) {
    switch (w.kind) {
      case RunWrite::Kind::transition:
        w.step.run_id = run_id;
        store_transition(sql, w.step, w.event);
        break;
      case RunWrite::Kind::run_update:
        store_run_update(sql, w.run, w.event);
        finished = finished || final_run(std::string(to_string(w.run.status)));
        break;
      case RunWrite::Kind::event:
        w.event.run_id = run_id;
        insert_event(sql, w.event);
        break;
      case RunWrite::Kind::create:
        break;  // above
    }
  }
  batch.result = LeaseWrite::done;
  return finished;
}

void SqlStore::Impl::commit_alone(Batch& batch) {
  try {
    const bool pipelined = db->postgres() && !batch.create && !makes_a_dead_letter(*batch.writes) &&
                           (batch.writes->empty() || batch.writes->front().kind != RunWrite::Kind::create);
    const bool finished =
        pipelined ? write_for(*batch.run_id, [&](soci::session& sql,
                                                 bool& reached) { return store_batch_pipelined(sql, batch, reached); })
                  : write_for(*batch.run_id, [&](soci::session& sql) { return store_batch(sql, batch); });
    if (finished) {
      forget_seq(*batch.run_id);
    }
  } catch (...) {
    batch.error = std::current_exception();
  }
}

void SqlStore::Impl::commit_group(const std::vector<Batch*>& group) {
  if (group.size() == 1) {
    commit_alone(*group.front());
    return;
  }
  std::vector<char> finished(group.size(), 0);
  try {
    db->write([&](soci::session& sql) {
      for (size_t i = 0; i < group.size(); ++i) {
        finished[i] = store_batch(sql, *group[i]) ? 1 : 0;
      }
    });
  } catch (...) {
    // Nothing of the group is stored; the event numbers it took are read again.
    for (Batch* batch : group) {
      forget_seq(*batch->run_id);
    }
    for (Batch* batch : group) {
      commit_alone(*batch);
    }
    return;
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (finished[i] != 0) {
      forget_seq(*group[i]->run_id);
    }
  }
}

}  // namespace linkhub
