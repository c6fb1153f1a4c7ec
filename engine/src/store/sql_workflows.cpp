// SqlStore as the WorkflowRegistry: versions by content hash, heads by name.
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

void SqlStore::save_workflow(const StoredWorkflow& wf) {
  impl_->db->write([&](soci::session& sql) {
    const long long now = now_ms();
    sql << "INSERT INTO lh_workflows (hash, name, version, file, source, concurrency, created_ms) "
           "VALUES (:h, :n, :v, :f, :s, :c, :t) ON CONFLICT (hash) DO UPDATE SET file = excluded.file, "
           "concurrency = excluded.concurrency",
        soci::use(wf.hash), soci::use(wf.name), soci::use(wf.version), soci::use(wf.file), soci::use(wf.source),
        soci::use(wf.concurrency), soci::use(now);
  });
  if (wf.concurrency > 0) {
    impl_->limited_seen = true;
  }
}

std::optional<StoredWorkflow> SqlStore::load_workflow(const std::string& hash) const {
  return impl_->db->read([&](soci::session& sql) -> std::optional<StoredWorkflow> {
    StoredWorkflow wf;
    sql << "SELECT hash, name, version, file, source, concurrency FROM lh_workflows WHERE hash = :h", soci::use(hash),
        soci::into(wf.hash), soci::into(wf.name), soci::into(wf.version), soci::into(wf.file), soci::into(wf.source),
        soci::into(wf.concurrency);
    if (!sql.got_data()) {
      return std::nullopt;
    }
    return wf;
  });
}

namespace {

// Read at every trigger by name: prepared once per session.
struct HeadByName final : store::CachedStatement {
  std::string name;
  WorkflowHead head;
  int deleted = 0;
  long long updated = 0;
  soci::statement st;
  explicit HeadByName(soci::session& sql)
      : st((sql.prepare << "SELECT name, hash, origin, updated_by, deleted, updated_ms, file_hash "
                           "FROM lh_workflow_heads WHERE name = :n",
            soci::use(name), soci::into(head.name), soci::into(head.hash), soci::into(head.origin),
            soci::into(head.updated_by), soci::into(deleted), soci::into(updated), soci::into(head.file_hash))) {}
};

}  // namespace

std::optional<WorkflowHead> SqlStore::workflow_head(const std::string& name) const {
  return impl_->db->read([&](soci::session& sql) -> std::optional<WorkflowHead> {
    auto& q = impl_->db->statements(sql).get<HeadByName>(sql);
    q.name = name;
    if (!sql_detail::found_one(q.st)) {
      return std::nullopt;
    }
    WorkflowHead head = q.head;
    head.deleted = q.deleted != 0;
    head.updated_ms = q.updated;
    return head;
  });
}

std::vector<WorkflowHead> SqlStore::workflow_heads() const {
  return impl_->db->read([&](soci::session& sql) {
    std::vector<WorkflowHead> out;
    WorkflowHead head;
    int deleted = 0;
    long long updated = 0;
    soci::statement st =
        (sql.prepare << "SELECT name, hash, origin, updated_by, deleted, updated_ms, file_hash "
                        "FROM lh_workflow_heads ORDER BY name",
         soci::into(head.name), soci::into(head.hash), soci::into(head.origin), soci::into(head.updated_by),
         soci::into(deleted), soci::into(updated), soci::into(head.file_hash));
    st.execute(false);
    while (st.fetch()) {
      WorkflowHead copy = head;
      copy.deleted = deleted != 0;
      copy.updated_ms = updated;
      out.push_back(std::move(copy));
    }
    return out;
  });
}

void SqlStore::put_workflow_head(const WorkflowHead& head) {
  impl_->db->write([&](soci::session& sql) {
    const int deleted = head.deleted ? 1 : 0;
    const long long updated = head.updated_ms != 0 ? head.updated_ms : now_ms();
    sql << "INSERT INTO lh_workflow_heads (name, hash, origin, updated_by, deleted, updated_ms, file_hash) "
           "VALUES (:n, :h, :o, :b, :d, :t, :f) ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, "
           "origin = excluded.origin, updated_by = excluded.updated_by, deleted = excluded.deleted, "
           "updated_ms = excluded.updated_ms, file_hash = excluded.file_hash",
        soci::use(head.name), soci::use(head.hash), soci::use(head.origin), soci::use(head.updated_by),
        soci::use(deleted), soci::use(updated), soci::use(head.file_hash);
  });
}

}  // namespace linkhub
