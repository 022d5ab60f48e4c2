/**
 * What drydock owns on a member's machine, told by marker files: `/etc/etcd/.drydock`
 * (cluster=…) and `<dataDir>/.drydock-etcd` (cluster, member, and whether drydock
 * made the directory). Preflight refuses what is not ours; a wipe removes only
 * what is. Pure: these build the shell scripts, remote.ts runs them.
 */
import { shellQuote } from "../../transport/types.js";
import type { Inputs, Member } from "./plan.js";

export const ETC = "/etc/etcd";
export const ETC_MARKER = `${ETC}/.drydock`;
export const DATA_MARKER = ".drydock-etcd";
export const UNIT = "/etc/systemd/system/etcd.service";
export const BIN = { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" } as const;
/** Where a restore stages its snapshot. */
export const STAGING = "/var/lib/drydock-etcd";

/** Preflight exit codes. */
export const REFUSED = { data: 47, etc: 48, notEmpty: 49 } as const;

const vars = (m: Member, i: Inputs): string =>
  `D=${shellQuote(i.dataDir)}; M="$D/${DATA_MARKER}"; C=${shellQuote(i.clusterName)}; N=${shellQuote(m.name)}`;

/** True (exit 0 of the test) when both markers name this cluster, and the data one this member. */
const OURS_ETC = `[ -f ${ETC_MARKER} ] && grep -qx "cluster=$C" ${ETC_MARKER}`;
const OURS_DATA = `[ -f "$M" ] && grep -qx "cluster=$C" "$M" && grep -qx "member=$N" "$M"`;

/**
 * Refuses a machine whose /etc/etcd or dataDir drydock did not make for this
 * member (exit codes in REFUSED); prints "ours" when drydock's own markers are
 * there (a member it half-installed), and "data" when etcd data is there.
 */
export function preflightScript(m: Member, i: Inputs): string {
  return [
    vars(m, i),
    `command -v systemctl >/dev/null || { echo "systemd is required" >&2; exit 1; }`,
    `if [ -e ${ETC} ] && ! { ${OURS_ETC}; }; then exit ${REFUSED.etc}; fi`,
    `if ${OURS_DATA}; then echo ours; [ -d "$D/member" ] && echo data; exit 0; fi`,
    `if [ -d "$D/member" ]; then exit ${REFUSED.data}; fi`,
    `if [ -d "$D" ] && [ -n "$(ls -A "$D")" ]; then exit ${REFUSED.notEmpty}; fi`,
  ].join("\n");
}

/** Directories and markers before any file goes in: only a dataDir drydock creates here is chmod'ed. */
export function prepareScript(m: Member, i: Inputs): string {
  return [
    vars(m, i),
    `mkdir -p ${ETC}/pki && chmod 0700 ${ETC} ${ETC}/pki && printf 'cluster=%s\\n' "$C" > ${ETC_MARKER}`,
    `if [ -f "$M" ]; then exit 0; fi`,
    `created=no; if [ ! -e "$D" ]; then mkdir -p "$D" && chmod 0700 "$D" && created=yes; fi`,
    `printf 'cluster=%s\\nmember=%s\\ncreated=%s\\n' "$C" "$N" "$created" > "$M"`,
  ].join("\n");
}

/**
 * Stops etcd and removes what drydock made: in dataDir only `member/` (etcd's
 * wal and snap) and the marker, and the directory only if drydock created it;
 * /etc/etcd, the unit and the binaries only under drydock's marker. Prints a
 * "kept …" line for everything it left, and fails when a removal fails.
 */
export function wipeScript(m: Member, i: Inputs): string {
  return [
    "set -e",
    vars(m, i),
    `if ${OURS_ETC}; then systemctl disable --now etcd.service 2>/dev/null || true; fi`,
    `if ${OURS_DATA}; then`,
    `  created=$(sed -n 's/^created=//p' "$M")`,
    `  rm -rf -- "$D/member" "$D/.restore"`,
    `  rm -f -- "$M"`,
    `  if [ "$created" = yes ]; then rmdir -- "$D" 2>/dev/null || echo "kept $D: it holds files drydock did not make"; fi`,
    `elif [ -e "$D" ]; then echo "kept $D: it has no drydock marker for member $N of $C"; fi`,
    `if ${OURS_ETC}; then`,
    `  rm -rf -- ${ETC} ${UNIT} ${BIN.etcd} ${BIN.etcdctl} ${STAGING}`,
    `  systemctl daemon-reload`,
    `elif [ -e ${ETC} ]; then echo "kept ${ETC}, the unit and the binaries: no drydock marker for $C"; fi`,
  ].join("\n");
}
