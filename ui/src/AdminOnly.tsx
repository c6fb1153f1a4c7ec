// The keys and users pages are for admins: others get this notice instead
// (their nav has no link here, and the API refuses them anyway: 403).
import { useSession } from "./session";
import { PageHeading } from "./components";

export function AdminOnly({ title, children }: { title: string; children: React.ReactNode }) {
  const { me } = useSession();
  if (me?.role === "admin") return <>{children}</>;
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>Only admins manage API keys and users.</p>
    </>
  );
}
