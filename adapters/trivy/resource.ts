import type { Partition, Resource } from '@aws-sdk/client-securityhub';
import { partitionOf } from '../../src/asff/build.js';
import {
  compact,
  type KubernetesContext,
  type RecordScope,
  type ReportContext,
  stringEntries,
} from './types.js';

/** An image reference in an Amazon ECR private registry. */
export interface EcrImageReference {
  registryId: string;
  region: string;
  partition: Partition;
  repositoryName: string;
  tag?: string;
  digest?: string;
}

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag][@sha256:…]` */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** `arn:<partition>:eks:<region>:<account>:cluster/<name>` */
const EKS_CLUSTER_ARN = /^arn:(aws|aws-cn|aws-us-gov):eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/;

/** Container.ImageName longer than this was rejected by Security Hub (aquasecurity/trivy#1896). */
export const MAX_IMAGE_NAME_LENGTH = 128;

/** Parses an ECR image reference; `undefined` for any other registry. */
export function parseEcrImage(reference: string): EcrImageReference | undefined {
  const match = ECR_IMAGE.exec(reference.trim());
  if (match === null) return undefined;
  const [, registryId, region, repositoryName, tag, digest] = match;
  if (registryId === undefined || region === undefined || repositoryName === undefined) return undefined;
  return compact({
    registryId,
    region,
    partition: partitionOf(region) as Partition,
    repositoryName,
    tag,
    digest,
  });
}

/** Keeps the end of an over-long image name (the tag is the part that tells images apart). */
function boundedImageName(name: string): string {
  return name.length <= MAX_IMAGE_NAME_LENGTH ? name : `…${name.slice(-(MAX_IMAGE_NAME_LENGTH - 1))}`;
}

/** The resource of a container image scan: `AwsEcrContainerImage` for ECR images, else `Container`. */
function imageResource(report: ReportContext, name: string): Resource {
  const ecr = parseEcrImage(name);
  if (ecr === undefined) {
    return {
      Type: 'Container',
      Id: name,
      Details: { Container: compact({ ImageName: boundedImageName(name), ImageId: report.image?.imageId }) },
    };
  }
  const repository = `${ecr.registryId}.dkr.ecr`;
  const sameRepository = (reference: string): EcrImageReference | undefined => {
    const other = reference.startsWith(repository) ? parseEcrImage(reference) : undefined;
    return other?.registryId === ecr.registryId && other.repositoryName === ecr.repositoryName
      ? other
      : undefined;
  };
  const digest =
    ecr.digest ??
    (report.image?.repoDigests ?? []).map((reference) => sameRepository(reference)?.digest).find(Boolean);
  const tags = [ecr.tag, ...(report.image?.repoTags ?? []).map((reference) => sameRepository(reference)?.tag)]
    .filter((tag): tag is string => tag !== undefined)
    .filter((tag, index, all) => all.indexOf(tag) === index);
  const arn = `arn:${ecr.partition}:ecr:${ecr.region}:${ecr.registryId}:repository/${ecr.repositoryName}`;
  return {
    Type: 'AwsEcrContainerImage',
    Id: digest === undefined ? arn : `${arn}/${digest}`,
    Partition: ecr.partition,
    Region: ecr.region,
    Details: {
      AwsEcrContainerImage: compact({
        RegistryId: ecr.registryId,
        RepositoryName: ecr.repositoryName,
        ImageDigest: digest,
        ImageTags: tags.length > 0 ? tags : undefined,
        Architecture: report.image?.architecture,
      }),
    },
  };
}

/** The Kubernetes resource (and its EKS cluster, when `ClusterName` is an EKS ARN) of a `trivy k8s` finding. */
function kubernetesResources(
  report: ReportContext,
  kubernetes: KubernetesContext | undefined,
  target: string,
): Resource[] {
  const cluster = report.clusterName;
  const parts = [cluster, kubernetes?.namespace, kubernetes?.kind, kubernetes?.name].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const workload: Resource = {
    Type: 'Other',
    Id: parts.length > 0 ? parts.join('/') : target || 'kubernetes',
    Details: {
      Other: stringEntries({
        ClusterName: cluster === '' ? undefined : cluster,
        Namespace: kubernetes?.namespace,
        Kind: kubernetes?.kind,
        Name: kubernetes?.name,
        Target: target === '' ? undefined : target,
      }),
    },
  };
  const eks = cluster === undefined ? null : EKS_CLUSTER_ARN.exec(cluster);
  if (eks === null || cluster === undefined) return [workload];
  const [, partition, region, , name] = eks;
  return [
    workload,
    {
      Type: 'AwsEksCluster',
      Id: cluster,
      Partition: partition as Partition,
      Region: region,
      Details: { AwsEksCluster: { Arn: cluster, Name: name } },
    },
  ];
}

/** The artifact the report is about: `ArtifactName`, else the input file name, else a fixed word. */
export function artifactNameOf(report: ReportContext): string {
  return report.artifactName ?? report.fallbackName ?? 'trivy-report';
}

/**
 * The ASFF resources of a finding. The first resource is the scanned artifact, so all findings of one scan
 * group under one resource in Security Hub: a container image (`Container` or `AwsEcrContainerImage`), a
 * repository (`CodeRepository`), a Kubernetes resource (`Other`, plus `AwsEksCluster` for EKS), or `Other`
 * for filesystems, rootfs, VM images and SBOMs, with the result's target path in `Details.Other.Target`.
 */
export function resourcesOf(scope: RecordScope): Resource[] {
  const { report, result } = scope;
  if (report.kubernetes === true) return kubernetesResources(report, scope.kubernetes, result.target);
  const name = artifactNameOf(report);
  switch (report.artifactType) {
    case 'container_image':
      return [imageResource(report, name)];
    case 'repository':
      return [{ Type: 'CodeRepository', Id: name, Details: { CodeRepository: { ProjectName: name } } }];
    default:
      return [
        {
          Type: 'Other',
          Id: name,
          Details: {
            Other: stringEntries({
              ArtifactType: report.artifactType,
              Target: result.target === '' ? undefined : result.target,
            }),
          },
        },
      ];
  }
}
