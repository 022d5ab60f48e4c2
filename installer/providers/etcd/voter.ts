/**
 * etcd.Voter: after a member's service started, a learner is promoted to a
 * voting member (retried until it has caught up with the leader). On delete,
 * which comes before its service stops, the member is removed from the
 * cluster from another member, its etcd stopped, and the members left are
 * waited for until healthy; the last member of a cluster is only stopped.
 */
import { run } from "../../transport/types.js";
import { waitFor } from "../../host/wait.js";
import { checkWith, etcd, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";
import { listFromAny, retrying, type Listed } from "./members.js";
import { etcdctl } from "./remote.js";

type Inputs = etcd.VoterInputs;
export interface VoterOutputs extends Inputs {
}

const self = (listed: readonly Listed[], i: Inputs): Listed | undefined => listed.find((x) => x.peerUrls.split(",").includes(i.peerUrl));

export function voterProvider(connect: Connector): ResourceProvider<Inputs, VoterOutputs> {
  const transports = (i: Inputs, ctx: ProviderContext, others = false) =>
    [...(others ? [] : [i.peers.find((p) => p.name === i.name)]), ...i.peers.filter((p) => p.name !== i.name)]
      .filter((p) => p !== undefined).map((p) => connect(p.connection, (m) => ctx.log(`${p.name}: ${m}`)));

  async function vote(i: Inputs, ctx: ProviderContext): Promise<VoterOutputs> {
    // A founder votes from the start (and its cluster may not have a quorum yet to ask).
    if (!i.learner) return { ...i };
    const { anchor, listed } = await listFromAny(transports(i, ctx));
    const me = self(listed, i);
    if (!me) throw new Error(`${anchor.name}: etcd does not list member ${i.name} (${i.peerUrl})`);
    if (me.learner) {
      ctx.log(`promoting learner ${i.name} (${me.id}) to a voting member once it has caught up`);
      await retrying(anchor, `member promote ${me.id}`, {
        retryOn: /in sync with leader|not started|unhealthy cluster/, waitingFor: `learner ${i.name} to catch up with the leader`, timeoutSeconds: i.healthTimeout, log: (m) => ctx.log(m), signal: ctx.signal,
      });
    }
    return { ...i, memberId: me.id };
  }

  return {
    secretOutputs: [],
    async check(_olds, news) {
      return checkWith(etcd.VoterArgsSchema, news);
    },
    idFor: (i) => `${i.clusterName}/${i.name}`,
    async create(i, ctx) {
      return { id: `${i.clusterName}/${i.name}`, outs: await vote(i, ctx) };
    },
    async update(_id, _olds, news, ctx) {
      return { outs: await vote(news, ctx) };
    },
    async delete(_id, props, ctx) {
      const own = connect(props.connection, (m) => ctx.log(`${props.name}: ${m}`));
      const others = transports(props, ctx, true);
      const answer = await listFromAny(others).catch(() => undefined) ?? await listFromAny([own]);
      const me = self(answer.listed, props);
      const rest = answer.listed.filter((x) => x !== me);
      // The member that acts: the one that answered, unless that is the leaving member itself.
      const anchor = answer.anchor === own ? others[0] ?? own : answer.anchor;
      if (me && rest.length) {
        ctx.log(`removing etcd member ${props.name} (${me.id}) from the cluster, from ${answer.anchor.name}`);
        // etcd refuses a removal until every member left has been connected for a while ("unhealthy cluster"): retried.
        await retrying(anchor, `member remove ${me.id}`, {
          retryOn: /unhealthy cluster/, waitingFor: `etcd to let ${props.name} leave`, timeoutSeconds: props.healthTimeout, log: (m) => ctx.log(m), signal: ctx.signal,
        }).catch((e: Error) => { throw new Error(`${e.message}; ${props.name} (${me.id}) is still in the cluster`); });
      }
      await run(own, "systemctl stop etcd.service 2>/dev/null || true", { sudo: true, timeoutMs: 120_000, what: `member ${props.name}: stopping etcd` })
        .catch((e: Error) => ctx.log(`could not stop etcd on ${props.name} (it is out of the cluster): ${e.message}`));
      if (!me || !rest.length) return;
      const endpoints = rest.flatMap((x) => x.clientUrls.split(",").slice(0, 1));
      await waitFor(async () => {
        const h = await etcdctl(anchor, "endpoint health --command-timeout=3s", { endpoints }).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
        return h.code === 0 ? { ok: true } : { ok: false, error: (h.stderr || h.stdout).trim().split("\n").slice(-2).join(" ") };
      }, { what: `the ${rest.length} etcd members left healthy after removing ${props.name}`, timeoutSeconds: props.healthTimeout, intervalSeconds: 0.25, log: (m) => ctx.log(m), signal: ctx.signal });
    },
  };
}
