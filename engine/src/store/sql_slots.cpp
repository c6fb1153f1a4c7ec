// SqlStore as the SlotStore: step_concurrency slots under a lease and its epoch.
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

SlotClaim SqlStore::try_acquire_slot(const std::string& name, int limit, const std::string& holder,
                                     const std::string& owner, std::chrono::milliseconds lease, const HeldRun& run) {
  const bool pg = postgres();
  const long long epoch = run.epoch;
  return impl_->db->write([&](soci::session& sql) {
    if (!impl_->holds(sql, run.id, epoch)) {
      return SlotClaim::stale;
    }
    if (pg) {
      // Serialises claimers of one name: two nodes must not both see room for the last slot.
      sql << "SELECT pg_advisory_xact_lock(7212004, hashtext(:n))", soci::use(name);
    }
    const long long now = now_ms();
    const long long expires = now + lease.count();
    sql << "DELETE FROM lh_slots WHERE name = :n AND expires_ms < :now", soci::use(name), soci::use(now);
    int mine = 0;
    sql << "SELECT COUNT(*) FROM lh_slots WHERE name = :n AND holder = :h", soci::use(name), soci::use(holder),
        soci::into(mine);
    if (mine > 0) {
      sql << "UPDATE lh_slots SET owner = :o, expires_ms = :e, run_id = :r, lease_epoch = :ep "
             "WHERE name = :n AND holder = :h",
          soci::use(owner), soci::use(expires), soci::use(run.id), soci::use(epoch), soci::use(name), soci::use(holder);
      return SlotClaim::taken;
    }
    int held = 0;
    sql << "SELECT COUNT(*) FROM lh_slots WHERE name = :n", soci::use(name), soci::into(held);
    if (held >= limit) {
      return SlotClaim::full;
    }
    sql << "INSERT INTO lh_slots (name, holder, owner, expires_ms, run_id, lease_epoch) "
           "VALUES (:n, :h, :o, :e, :r, :ep)",
        soci::use(name), soci::use(holder), soci::use(owner), soci::use(expires), soci::use(run.id), soci::use(epoch);
    return SlotClaim::taken;
  });
}

LeaseWrite SqlStore::release_slot(const std::string& name, const std::string& holder, const HeldRun& run) {
  const long long epoch = run.epoch;
  return impl_->db->write([&](soci::session& sql) {
    // The slot as this claim took it: the node that took the run over may
    // hold the same holder's slot now, under its own epoch.
    soci::statement st = (sql.prepare << "DELETE FROM lh_slots WHERE name = :n AND holder = :h AND lease_epoch = :ep",
                          soci::use(name), soci::use(holder), soci::use(epoch));
    st.execute(true);
    return impl_->holds(sql, run.id, epoch) ? LeaseWrite::done : LeaseWrite::stale;
  });
}

}  // namespace linkhub
