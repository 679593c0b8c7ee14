import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Pods made from a template, which policies can select and name as peers: a cdk8s-plus Deployment, StatefulSet,
 * DaemonSet, Job, CronJob or Pod, of any cdk8s-plus version (cdk8s-plus-28 and cdk8s-plus-33 are tested).
 *
 * cdk8s-plus workloads fit this interface as they are, with no cast or adapter. The pods are selected by the labels
 * of `podMetadata` (never by cdk8s' generated `cdk8s.io/metadata.addr` label), in the namespace of the workload's
 * manifest (its `ApiObject`), else of its chart. A construct of your own fits it too when its manifest is its
 * `ApiObject` or default child.
 */
export interface IWorkload extends IConstruct {
  /** The metadata of the workload's pods; their labels are what policies select. */
  readonly podMetadata: ApiObjectMetadataDefinition;
}
