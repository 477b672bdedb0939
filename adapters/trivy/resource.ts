import type { Partition, Resource } from '@aws-sdk/client-securityhub';
import { partitionOf } from '../../src/asff/build.js';
import { isOsResult, osResultSubject } from './os.js';
import {
  compact,
  type KubernetesContext,
  type RecordScope,
  type ReportContext,
  type ResultContext,
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
    const digest = digestOf(name, report.image?.repoDigests);
    return {
      Type: 'Container',
      Id: name,
      Details: {
        // As the SARIF adapter does for Trivy's SARIF: Name = what was scanned (an image or a `--input` tarball),
        // ImageName = the image's first tag.
        Container: compact({
          Name: name,
          ImageName: boundedImageName(report.image?.repoTags?.[0] ?? name),
          ImageId: report.image?.imageId,
        }),
        ...(digest === undefined ? {} : { Other: { ImageDigest: digest } }),
      },
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

/** Kubernetes kinds that run containers: their findings are on a `Container` resource. */
const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);

/**
 * The Kubernetes resource (and its EKS cluster, when `ClusterName` is an EKS ARN) of a `trivy k8s` finding. A
 * workload is a `Container` that names the image its result scanned (`<image> (<os>)` of an OS result), so
 * the same package in two images of one workload stays two resources; anything else (Service, Role …) is `Other`.
 */
function kubernetesResources(
  report: ReportContext,
  kubernetes: KubernetesContext | undefined,
  result: ResultContext,
): Resource[] {
  const cluster = report.clusterName;
  const target = result.target;
  const parts = [cluster, kubernetes?.namespace, kubernetes?.kind, kubernetes?.name].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const path = parts.length > 0 ? parts.join('/') : target || 'kubernetes';
  const other = stringEntries({
    ClusterName: cluster === '' ? undefined : cluster,
    Namespace: kubernetes?.namespace,
    Kind: kubernetes?.kind,
    Name: kubernetes?.name,
    Target: target === '' ? undefined : target,
  });
  const workload: Resource =
    kubernetes?.kind !== undefined && WORKLOAD_KINDS.has(kubernetes.kind)
      ? workloadResource(path, other, kubernetes, result)
      : { Type: 'Other', Id: path, Details: { Other: other } };
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

/** `registry/repo:tag` → `registry/repo` (a `:` after the last `/` starts the tag). */
function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  const name = at < 0 ? reference : reference.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** Two references to one repository, one of them perhaps without the registry (`redis` ~ `docker.io/redis`). */
function sameRepository(a: string, b: string): boolean {
  const [x, y] = [repositoryOf(a), repositoryOf(b)];
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

/** The digest (`sha256:…`) of the `RepoDigests` entry for the image's repository, else of the only entry. */
function digestOf(name: string, repoDigests: readonly string[] | undefined): string | undefined {
  if (repoDigests === undefined || repoDigests.length === 0) return undefined;
  const entry = repoDigests.find((digest) => sameRepository(digest, name)) ?? repoDigests[0];
  const at = entry?.indexOf('@') ?? -1;
  return entry !== undefined && at >= 0 ? entry.slice(at + 1) : undefined;
}

/** Results that list packages of an image (its vulnerabilities belong to that image in the workload). */
const PACKAGE_CLASSES: ReadonlySet<string> = new Set(['os-pkgs', 'lang-pkgs']);

/**
 * A Kubernetes workload as a `Container`: the image an OS result names (`<image> (<os>)`), or the workload's only
 * image from its `Metadata`; tag in the name, `ImageId` and the digest (`Details.Other.ImageDigest`) from the
 * matching `Metadata` entry. Package findings are per image (Id `<workload>/<image>`), so the same package in
 * two images of one workload stays two resources; configuration findings are on the workload itself.
 */
function workloadResource(
  path: string,
  other: Record<string, string>,
  kubernetes: KubernetesContext,
  result: ResultContext,
): Resource {
  const images = kubernetes.images ?? [];
  const named = osResultSubject(result);
  const image =
    named === undefined
      ? images.length === 1
        ? images[0]
        : undefined
      : images.find((candidate) => (candidate.repoTags ?? []).some((tag) => sameRepository(tag, named)));
  const name = named ?? image?.repoTags?.[0];
  const digest = name === undefined ? undefined : digestOf(name, image?.repoDigests);
  const perImage = name !== undefined && result.class !== undefined && PACKAGE_CLASSES.has(result.class);
  const container = compact({
    ImageName: name === undefined ? undefined : boundedImageName(name),
    ImageId: image?.imageId,
  });
  return {
    Type: 'Container',
    Id: perImage ? `${path}/${name}` : path,
    Details: {
      ...(Object.keys(container).length > 0 ? { Container: container } : {}),
      Other: digest === undefined ? other : { ...other, ImageDigest: digest },
    },
  };
}

/** The artifact the report is about: `ArtifactName`, else the input file name, else a fixed word. */
export function artifactNameOf(report: ReportContext): string {
  return report.artifactName ?? report.fallbackName ?? 'trivy-report';
}

/**
 * The image an image report is about: `ArtifactName`; when Trivy left it empty, the image's first tag or
 * digest from `Metadata`, the image the OS result names (`<image> (<os>)`), the image id, and only then the
 * input file name.
 */
function imageNameOf(report: ReportContext, result: ResultContext): string {
  const image = report.image;
  return (
    report.artifactName ??
    image?.repoTags?.[0] ??
    image?.repoDigests?.[0] ??
    osResultSubject(result) ??
    image?.imageId ??
    artifactNameOf(report)
  );
}

/**
 * Targets of language results that are no file: Trivy groups the packages its post-analyzers found under the
 * ecosystem's name (`Java`, `Python` …) and puts each package's file in `PkgPath`.
 */
const ECOSYSTEM_TARGETS: ReadonlySet<string> = new Set([
  'Java',
  'Python',
  'Node.js',
  '.NET',
  'PHP',
  'Ruby',
  'Rust',
  'Go',
  'Conda',
  'Dart',
  'Elixir',
  'Julia',
  'Swift',
  'CocoaPods',
]);

/**
 * Classes whose Target is the file the findings are in (`requirements.txt`, `main.tf`, `secret.txt` …). Not
 * `license-file`: its Target is the group `Loose File License(s)`, each license names its own `FilePath`.
 */
const FILE_CLASSES: ReadonlySet<string> = new Set(['lang-pkgs', 'config', 'secret']);

/** The file a result's Target names, or `undefined` (OS packages, ecosystem groups, `.`, empty). */
function fileOfResult(result: ResultContext): string | undefined {
  const target = result.target;
  if (target === '' || target === '.' || ECOSYSTEM_TARGETS.has(target)) return undefined;
  // Schema v1 has no Class: every result that does not list OS packages names its lockfile.
  const isFile = result.class === undefined ? !isOsResult(result) : FILE_CLASSES.has(result.class);
  return isFile ? target : undefined;
}

/**
 * A file of a scanned directory or repository: `Other`, Id = the path as Trivy reports it (relative to the
 * scanned directory). When the artifact is that file itself (`trivy fs lib/catalina.jar` reports PkgPath
 * `catalina.jar`), the artifact's path.
 */
function fileResource(report: ReportContext, result: ResultContext, path: string): Resource {
  const artifact = report.artifactName;
  return {
    Type: 'Other',
    Id: artifact?.endsWith(`/${path}`) ? artifact : path,
    Details: {
      Other: stringEntries({
        ArtifactName: report.artifactName,
        ArtifactType: report.artifactType,
        Target: result.target === '' ? undefined : result.target,
      }),
    },
  };
}

/** The whole scanned artifact when no finer resource is known (a VM image, a rootfs, an SBOM …). */
function artifactResource(report: ReportContext, result: ResultContext): Resource {
  const name = artifactNameOf(report);
  if (report.artifactType === 'repository') {
    return { Type: 'CodeRepository', Id: name, Details: { CodeRepository: { ProjectName: name } } };
  }
  return {
    Type: 'Other',
    Id: name,
    Details: {
      Other: stringEntries({
        ArtifactType: report.artifactType,
        Target: result.target === '' ? undefined : result.target,
      }),
    },
  };
}

/**
 * The ASFF resources of a finding: the real thing it is about.
 * - image scans: the image (`Container`, or `AwsEcrContainerImage` for ECR);
 * - `trivy k8s`: the Kubernetes resource (`Container` for workloads, naming the image), plus its EKS cluster;
 * - filesystem and repository scans: the file (`Other`, Id = `file` — the package's `PkgPath` — or the result's
 *   Target), never the scanned directory `.`;
 * - schema v1 (no artifact): the image an OS result names, else the lockfile;
 * - anything else, or no file known: the artifact (`CodeRepository` for a repository, else `Other`).
 */
export function resourcesOf(scope: RecordScope, file?: string): Resource[] {
  const { report, result } = scope;
  if (report.kubernetes === true) return kubernetesResources(report, scope.kubernetes, result);
  switch (report.artifactType) {
    case 'container_image':
      return [imageResource(report, imageNameOf(report, result))];
    case 'filesystem':
    case 'repository': {
      const path = file ?? fileOfResult(result);
      return [path === undefined ? artifactResource(report, result) : fileResource(report, result, path)];
    }
    case undefined: {
      if (report.artifactName !== undefined) break;
      const image = osResultSubject(result);
      if (image !== undefined) return [imageResource(report, image)];
      const path = file ?? fileOfResult(result);
      if (path !== undefined) return [fileResource(report, result, path)];
      break;
    }
  }
  return [artifactResource(report, result)];
}
