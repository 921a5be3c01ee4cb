import { useEffect, useState } from "react";

/** Hash routes (`#/providers/3`): a static build works on any host without server rewrites. */
function read(): string[] {
  return window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
}

export function useRoute(): string[] {
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const onChange = () => {
      setParts(read());
      document.getElementById("main")?.focus();
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return parts;
}

export function go(path: string): void {
  window.location.hash = `#/${path}`;
}
