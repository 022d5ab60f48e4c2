/**
 * What an etcd.Member owns on its machine besides the files of its host.Files
 * set: its data directory, told by the marker `<dataDir>/.drydock-etcd`
 * (cluster, member, and whether drydock made the directory), and
 * /etc/etcd/bootstrap.env. Preflight refuses etcd data that is not this
 * member's; a wipe removes only what is. Pure: these build the scripts.
 */
import { shellQuote } from "../../transport/types.js";

export const DATA_MARKER = ".drydock-etcd";
/** What member-ready.sh left once the member was healthy, before it stopped needing to (removed by a wipe). */
export const HEALTHY_MARKER = ".drydock-etcd-healthy";
export const BOOTSTRAP_ENV = "/etc/etcd/bootstrap.env";
export const BIN = { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" } as const;
/** Where a restore stages its snapshot and a backup its copy. */
export const STAGING = "/var/lib/drydock-etcd";

/** Preflight exit codes. */
export const REFUSED = { data: 47, notEmpty: 49 } as const;

export interface Who {
  readonly clusterName: string;
  readonly name: string;
  readonly dataDir: string;
}

const vars = (w: Who): string =>
  `D=${shellQuote(w.dataDir)}; M="$D/${DATA_MARKER}"; C=${shellQuote(w.clusterName)}; N=${shellQuote(w.name)}`;

/** True (exit 0 of the test) when the data marker names this cluster and member. */
const OURS_DATA = `[ -f "$M" ] && grep -qx "cluster=$C" "$M" && grep -qx "member=$N" "$M"`;

/**
 * Refuses a dataDir drydock did not make for this member (exit codes in
 * REFUSED); prints "ours" when its marker is there, and "data" when etcd data is.
 */
export function preflightScript(w: Who): string {
  return [
    vars(w),
    `command -v systemctl >/dev/null || { echo "systemd is required" >&2; exit 1; }`,
    `if ${OURS_DATA}; then echo ours; [ -d "$D/member" ] && echo data; exit 0; fi`,
    `if [ -d "$D/member" ]; then exit ${REFUSED.data}; fi`,
    `if [ -d "$D" ] && [ -n "$(ls -A "$D")" ]; then exit ${REFUSED.notEmpty}; fi`,
  ].join("\n");
}

/** The data directory and its marker: only a dataDir drydock creates here is chmod'ed. */
export function prepareScript(w: Who): string {
  return [
    vars(w),
    `if [ -f "$M" ]; then exit 0; fi`,
    `created=no; if [ ! -e "$D" ]; then mkdir -p "$D" && chmod 0700 "$D" && created=yes; fi`,
    `printf 'cluster=%s\\nmember=%s\\ncreated=%s\\n' "$C" "$N" "$created" > "$M"`,
  ].join("\n");
}

/**
 * Removes what drydock made for the member: in dataDir only `member/` (etcd's
 * wal and snap), the markers, and the directory only if drydock created it;
 * and bootstrap.env. Prints a "kept …" line for what it left.
 */
export function wipeScript(w: Who): string {
  return [
    "set -e",
    vars(w),
    `if ${OURS_DATA}; then`,
    `  created=$(sed -n 's/^created=//p' "$M")`,
    `  rm -rf -- "$D/member" "$D/.restore"`,
    `  rm -f -- "$D/${HEALTHY_MARKER}" "$M"`,
    `  if [ "$created" = yes ]; then rmdir -- "$D" 2>/dev/null || echo "kept $D: it holds files drydock did not make"; fi`,
    `elif [ -e "$D" ]; then echo "kept $D: it has no drydock marker for member $N of $C"; fi`,
    `rm -f -- ${BOOTSTRAP_ENV}`,
    `rmdir -- ${STAGING} 2>/dev/null || true`,
  ].join("\n");
}
