import {
  asApiError,
  type ApiError,
  type DeployClient,
  type Deployment,
  type DeploymentBusEvent
} from '../api';
import { deployedVersions, mergeDeployment } from './deploymentFormat';
import { StateModel } from './stateModel';
import type { VersionsModel } from './versions';

/** The deployments of a project, for the versions sidebar's badges. */
export interface IDeploymentsState {
  project: string | null;
  /** By name. */
  deployments: Deployment[];
  error: ApiError | null;
}

/**
 * A project's deployments: listed once per listing of its versions, then
 * kept current by the deployment copies the server pushes when an
 * operation ends (no request of its own).
 */
export class DeploymentsModel extends StateModel<IDeploymentsState> {
  constructor(private readonly _client: DeployClient) {
    super({ project: null, deployments: [], error: null });
  }

  /** Deployment names per version tag, of the deployments running now. */
  get deployed(): ReadonlyMap<string, string[]> {
    if (this._deployed.of !== this.state.deployments) {
      this._deployed = {
        of: this.state.deployments,
        tags: deployedVersions(this.state.deployments)
      };
    }
    return this._deployed.tags;
  }

  setProject(project: string | null): void {
    if (project === this.state.project) {
      return;
    }
    this.dropRequests();
    this.update({ project, deployments: [], error: null });
  }

  async refresh(): Promise<void> {
    const project = this.state.project;
    if (project === null) {
      return;
    }
    const isCurrent = this.startRequest();
    try {
      const { deployments } = await this._client.listDeployments(project);
      if (isCurrent()) {
        this.update({ deployments, error: null });
      }
    } catch (reason) {
      if (isCurrent()) {
        // The badges are a convenience: without them the list still works.
        this.update({ error: asApiError(reason) });
      }
    }
  }

  /** Apply a pushed deployment copy (operations and other projects are ignored). */
  applyEvent(event: DeploymentBusEvent): void {
    if (event.kind !== 'deployment' || event.project !== this.state.project) {
      return;
    }
    const { deployments } = this.state;
    const index = deployments.findIndex(d => d.name === event.name);
    const merged = mergeDeployment(
      index >= 0 ? deployments[index] : null,
      event.deployment
    );
    if (index >= 0 && merged === deployments[index]) {
      return;
    }
    const next =
      index >= 0
        ? deployments.map((d, i) => (i === index ? merged : d))
        : [...deployments, merged].sort((a, b) => a.name.localeCompare(b.name));
    this.update({ deployments: next });
  }

  private _deployed: {
    of: Deployment[];
    tags: ReadonlyMap<string, string[]>;
  } = { of: [], tags: new Map() };
}

/**
 * Keep `deployments` on the versions sidebar's project; each listing of the
 * versions lists the project's deployments once more.
 */
export function followVersionsDeployments(
  deployments: DeploymentsModel,
  versions: VersionsModel
): void {
  let listed: readonly unknown[] | null = null;
  const sync = () => {
    if (deployments.isDisposed) {
      return;
    }
    const { project, versions: list } = versions.state;
    deployments.setProject(project);
    if (list !== listed) {
      listed = list;
      if (list.length > 0) {
        void deployments.refresh();
      }
    }
  };
  versions.changed.connect(sync);
  sync();
}
