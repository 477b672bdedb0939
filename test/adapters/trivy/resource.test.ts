import { describe, expect, it } from 'vitest';
import { parseEcrImage, resourcesOf } from '../../../adapters/trivy/resource.js';
import type { RecordScope } from '../../../adapters/trivy/types.js';

describe('parseEcrImage', () => {
  it.each([
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4',
      {
        registryId: '123456789012',
        region: 'eu-west-1',
        partition: 'aws',
        repositoryName: 'team/api',
        tag: '1.4',
      },
    ],
    [
      `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api@sha256:${'a'.repeat(64)}`,
      {
        registryId: '123456789012',
        region: 'us-gov-west-1',
        partition: 'aws-us-gov',
        repositoryName: 'api',
        digest: `sha256:${'a'.repeat(64)}`,
      },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web',
      { registryId: '123456789012', region: 'cn-north-1', partition: 'aws-cn', repositoryName: 'web' },
    ],
    [
      '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/a/b/c:v1',
      {
        registryId: '123456789012',
        region: 'us-east-1',
        partition: 'aws',
        repositoryName: 'a/b/c',
        tag: 'v1',
      },
    ],
  ])('%s is an ECR image', (reference, expected) => {
    expect(parseEcrImage(reference)).toEqual(expected);
  });

  it.each([
    'alpine:3.19',
    'public.ecr.aws/nginx/nginx:1.25',
    '12345.dkr.ecr.us-east-1.amazonaws.com/api:1',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com/api:1',
    'ghcr.io/aquasecurity/trivy:0.50',
  ])('%s is not', (reference) => {
    expect(parseEcrImage(reference)).toBeUndefined();
  });
});

describe('resourcesOf', () => {
  const result = { target: 'x (alpine 3.19)', class: 'os-pkgs', type: 'alpine' };

  it('a container image is a Container with image name and id', () => {
    const scope: RecordScope = {
      report: {
        artifactName: 'ghcr.io/shop/api:2',
        artifactType: 'container_image',
        image: { imageId: 'sha256:1' },
      },
      result,
    };
    expect(resourcesOf(scope)).toEqual([
      {
        Type: 'Container',
        Id: 'ghcr.io/shop/api:2',
        Details: {
          Container: { Name: 'ghcr.io/shop/api:2', ImageName: 'ghcr.io/shop/api:2', ImageId: 'sha256:1' },
        },
      },
    ]);
  });

  it('keeps Container.ImageName within 128 characters, the Id whole', () => {
    const name = `registry.example.com/${'x'.repeat(200)}:tag`;
    const [resource] = resourcesOf({
      report: { artifactName: name, artifactType: 'container_image' },
      result,
    });
    expect(resource?.Id).toBe(name);
    expect(resource?.Details?.Container?.ImageName).toHaveLength(128);
    expect(resource?.Details?.Container?.ImageName?.endsWith('x:tag')).toBe(true);
  });

  it('an ECR image is an AwsEcrContainerImage with digest and tags from Metadata', () => {
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    const digest = `sha256:${'b'.repeat(64)}`;
    const [resource] = resourcesOf({
      report: {
        artifactName: `${registry}/team/api:1.4`,
        artifactType: 'container_image',
        image: {
          repoTags: [`${registry}/team/api:1.4`, `${registry}/team/api:latest`, `${registry}/other:9`],
          repoDigests: [`${registry}/other@sha256:${'c'.repeat(64)}`, `${registry}/team/api@${digest}`],
          architecture: 'arm64',
        },
      },
      result,
    });
    expect(resource).toEqual({
      Type: 'AwsEcrContainerImage',
      Id: `arn:aws:ecr:eu-west-1:123456789012:repository/team/api/${digest}`,
      Partition: 'aws',
      Region: 'eu-west-1',
      Details: {
        AwsEcrContainerImage: {
          RegistryId: '123456789012',
          RepositoryName: 'team/api',
          ImageDigest: digest,
          ImageTags: ['1.4', 'latest'],
          Architecture: 'arm64',
        },
      },
    });
  });

  it('a repository or filesystem finding is on its file (Other), never on "."', () => {
    const repo = resourcesOf({
      report: { artifactName: 'https://github.com/x/y', artifactType: 'repository' },
      result: { target: 'charts/api/values.yaml', class: 'config', type: 'helm' },
    });
    expect(repo).toEqual([
      {
        Type: 'Other',
        Id: 'charts/api/values.yaml',
        Details: {
          Other: {
            ArtifactName: 'https://github.com/x/y',
            ArtifactType: 'repository',
            Target: 'charts/api/values.yaml',
          },
        },
      },
    ]);
    const fs = resourcesOf({
      report: { artifactName: '.', artifactType: 'filesystem' },
      result: { target: 'infra/main.tf', class: 'config', type: 'terraform' },
    });
    expect(fs.map((resource) => resource.Id)).toEqual(['infra/main.tf']);
    // A package of an ecosystem group (`Java`) is on its own file (PkgPath), passed by the mapping.
    const jar = resourcesOf(
      {
        report: { artifactName: '.', artifactType: 'filesystem' },
        result: { target: 'Java', class: 'lang-pkgs' },
      },
      'lib/app.jar',
    );
    expect(jar.map((resource) => resource.Id)).toEqual(['lib/app.jar']);
  });

  it('with no file to name, a repository is a CodeRepository and other artifacts are Other', () => {
    expect(
      resourcesOf({
        report: { artifactName: 'https://github.com/x/y', artifactType: 'repository' },
        result: { target: 'Java', class: 'lang-pkgs', type: 'jar' },
      }),
    ).toEqual([
      {
        Type: 'CodeRepository',
        Id: 'https://github.com/x/y',
        Details: { CodeRepository: { ProjectName: 'https://github.com/x/y' } },
      },
    ]);
    expect(
      resourcesOf({
        report: { artifactName: 'disk.img', artifactType: 'vm' },
        result: { target: 'disk.img (amazon 2 (Karoo))', class: 'os-pkgs', type: 'amazon' },
      }),
    ).toEqual([
      {
        Type: 'Other',
        Id: 'disk.img',
        Details: { Other: { ArtifactType: 'vm', Target: 'disk.img (amazon 2 (Karoo))' } },
      },
    ]);
  });

  it('schema v1 (no ArtifactName): the image an OS result names, the lockfile, else the input file name', () => {
    const report = { fallbackName: 'trivy.json' };
    expect(
      resourcesOf({ report, result: { target: 'shop:1.0 (debian 10.8)', type: 'debian' } })[0],
    ).toMatchObject({
      Type: 'Container',
      Id: 'shop:1.0',
    });
    expect(resourcesOf({ report, result: { target: 'app/yarn.lock', type: 'yarn' } })[0]?.Id).toBe(
      'app/yarn.lock',
    );
    expect(resourcesOf({ report, result: { target: '', type: 'yarn' } })[0]?.Id).toBe('trivy.json');
  });

  it('an image report with an empty ArtifactName: the first tag, else the image the OS result names', () => {
    const tagged = resourcesOf({
      report: {
        artifactType: 'container_image',
        image: { repoTags: ['shop/api:9'] },
        fallbackName: 'r.json',
      },
      result: { target: 'Java', class: 'lang-pkgs', type: 'jar' },
    });
    expect(tagged[0]?.Id).toBe('shop/api:9');
    const untagged = resourcesOf({
      report: { artifactType: 'container_image', image: {}, fallbackName: 'r.json' },
      result: { target: 'shop/api:9 (alpine 3.19.1)', class: 'os-pkgs', type: 'alpine' },
    });
    expect(untagged[0]?.Id).toBe('shop/api:9');
  });

  it('a namespaced k8s resource, plus its EKS cluster', () => {
    const cluster = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
    expect(
      resourcesOf({
        report: { clusterName: cluster, kubernetes: true },
        kubernetes: { namespace: 'shop', kind: 'Deployment', name: 'redis' },
        result: { target: 'Deployment/redis', class: 'config', type: 'kubernetes' },
      }),
    ).toEqual([
      {
        Type: 'Container',
        Id: `${cluster}/shop/Deployment/redis`,
        Details: {
          Other: {
            ClusterName: cluster,
            Namespace: 'shop',
            Kind: 'Deployment',
            Name: 'redis',
            Target: 'Deployment/redis',
          },
        },
      },
      {
        Type: 'AwsEksCluster',
        Id: cluster,
        Partition: 'aws',
        Region: 'us-east-1',
        Details: { AwsEksCluster: { Arn: cluster, Name: 'prod' } },
      },
    ]);
  });

  it('a cluster-scoped k8s resource has no namespace; an empty ClusterName is left out', () => {
    const [resource, ...rest] = resourcesOf({
      report: { clusterName: '', kubernetes: true },
      kubernetes: { kind: 'ClusterRole', name: 'admin' },
      result: { target: 'ClusterRole/admin', class: 'config', type: 'rbac' },
    });
    expect(rest).toEqual([]);
    expect(resource?.Id).toBe('ClusterRole/admin');
    expect(resource?.Details?.Other).toEqual({
      Kind: 'ClusterRole',
      Name: 'admin',
      Target: 'ClusterRole/admin',
    });
  });
});
