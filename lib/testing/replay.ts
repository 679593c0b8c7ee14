/**
 * Replaying observed traffic in a test: which connections of a Hubble capture the app's policies would deny.
 *
 *   expect(replayFlows(app, fs.readFileSync('flows.jsonl', 'utf8')).map(g => `${g.source.name} -> ${g.destination.name}`)).toEqual([]);
 */
import { IConstruct } from 'constructs';
import { answerableCluster } from '../cluster-of';
import { ReplayGroup, replayHubbleFlows } from '../flows/replay';

/** Options of `replayFlows`. */
export interface ReplayFlowsOptions {
  /**
   * Answer although the app holds policy kinds the analysis does not model, leaving them out; otherwise such
   * policies make `replayFlows` throw.
   * @default - the app's `Checker.configure(app, { ignoreUnmodelled })`, else false
   */
  readonly ignoreUnmodelled?: boolean;
}

/**
 * The observed FORWARDED and AUDIT connections of a Hubble capture (`hubble observe -o json`) that the policies of a
 * construct tree would deny, one group per source, destination, protocol and port, each with the deciding policies
 * (`decidedBy`) and the explanation. Empty when enforcing the policies breaks nothing that was observed. Throws when
 * the capture holds no usable connection start (naming the reader's first problems), so a broken fixture never
 * passes as "nothing denied".
 */
export function replayFlows(scope: IConstruct, flowsText: string, options: ReplayFlowsOptions = {}): ReplayGroup[] {
  const result = replayHubbleFlows(answerableCluster(scope, 'replayFlows()', options), flowsText, 'flows');
  if (result.flows === 0) {
    const problems = result.diagnostics.filter(d => d.severity !== 'info').slice(0, 3).map(d => d.message);
    throw new Error(`replayFlows(): the flows hold no usable connection start (FORWARDED, AUDIT or DROPPED, with TCP, UDP or SCTP ports)${problems.length ? `: ${problems.join('; ')}` : ''}. Give the output of "hubble observe -o json"`);
  }
  return result.groups.filter(g => g.outcome === 'would-deny');
}
