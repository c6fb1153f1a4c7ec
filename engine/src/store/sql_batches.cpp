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
// renewing them in another order: there each batch is its own transaction.
#include "sql_store_impl.hpp"

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
  std::unique_lock lock(group_mutex);
  group_queue.push_back(&mine);
  while (!mine.done) {
    if (group_leader) {
      group_cv.wait(lock);
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
    }
    group_leader = false;
    group_cv.notify_all();
  }
}

bool SqlStore::Impl::store_batch(soci::session& sql, Batch& batch) {
  const std::string& run_id = *batch.run_id;
  if (batch.create) {
    batch.create(sql);
    batch.result = LeaseWrite::done;
    return false;
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
    }
  }
  batch.result = LeaseWrite::done;
  return finished;
}

void SqlStore::Impl::commit_alone(Batch& batch) {
  try {
    const bool finished = write_for(*batch.run_id, [&](soci::session& sql) { return store_batch(sql, batch); });
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
