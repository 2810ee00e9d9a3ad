import React, { useLayoutEffect, useRef } from 'react';

import type { ApiError, Build, BuildError, BuiltImage } from '../api';
import {
  BUILD_STATUS_LABELS,
  buildErrorTitle,
  formatImageSize,
  isActiveBuild,
  shortImageId
} from '../models/buildFormat';
import type { BuildsModel } from '../models/builds';
import { plural } from '../format/text';
import {
  elapsedSeconds,
  exactTime,
  formatDuration,
  parseTime,
  relativeTime
} from '../format/time';
import { BuildLogView } from './BuildLogView';
import { BuildSteps } from './BuildSteps';
import { errorTitle } from './ErrorState';
import { Loading } from './Loading';
import { useClock } from './useClock';

export interface IBuildPanelProps {
  /** Showing the builds of the version whose details are open. */
  model: BuildsModel;
}

/** The container image of a version: build it, watch it, see what came out. */
export function BuildPanel({ model }: IBuildPanelProps): JSX.Element {
  const { state } = model;
  const build = model.latest;
  const active = build !== null && isActiveBuild(build);
  const now = useClock(active ? 1000 : 60_000);
  return (
    <section
      className="jp-DeployVersionDetails-section jp-DeployBuild"
      aria-label="Container image"
      data-status={build?.status ?? 'none'}
    >
      <h4 className="jp-DeployVersionDetails-sectionTitle">Container image</h4>
      <div className="jp-DeployBuild-head">
        <Summary build={build} loaded={state.loaded} now={now} />
        <Action model={model} build={build} />
      </div>
      {state.error && <RequestError error={state.error} />}
      {build && (
        <>
          <BuildSteps build={build} now={now} />
          {build.status === 'succeeded' && build.image && (
            <ImageFacts build={build} image={build.image} />
          )}
          {build.status === 'failed' && build.error && (
            <Failure error={build.error} />
          )}
          {(build.status === 'cancelled' || build.status === 'interrupted') && (
            <p className="jp-DeployVersionDetails-note">{stoppedText(build)}</p>
          )}
        </>
      )}
      {build && state.log?.buildId === build.id && (
        <BuildLogView log={state.log} open={build.status !== 'succeeded'} />
      )}
    </section>
  );
}

/** The server's reason, as a sentence: "Cancelled by ada." */
function stoppedText(build: Build): string {
  const why =
    build.error?.message ||
    (build.status === 'cancelled'
      ? 'the build was cancelled'
      : 'the build stopped with the server');
  const sentence = why.charAt(0).toUpperCase() + why.slice(1);
  const end = /[.!?]$/.test(sentence) ? '' : '.';
  return build.status === 'interrupted'
    ? `${sentence}${end} Build again.`
    : `${sentence}${end}`;
}

function Summary({
  build,
  loaded,
  now
}: {
  build: Build | null;
  loaded: boolean;
  now: number;
}): JSX.Element {
  if (!build) {
    return loaded ? (
      <span className="jp-DeployBuild-summary">No image built yet.</span>
    ) : (
      <Loading>Looking for builds…</Loading>
    );
  }
  const label = BUILD_STATUS_LABELS[build.status] ?? build.status;
  // Only the word is a live region: a clock ticking in one would be read
  // out every second.
  if (isActiveBuild(build)) {
    const seconds = elapsedSeconds(build, now);
    return (
      <span className="jp-DeployBuild-summary">
        <strong role="status">
          {build.cancel_requested ? 'Cancelling' : label}
        </strong>
        {seconds !== null && (
          <span className="jp-DeployBuild-when">
            {formatDuration(seconds, false)} elapsed
          </span>
        )}
      </span>
    );
  }
  const at = build.finished_at ?? build.created_at;
  const time = parseTime(at);
  return (
    <span className="jp-DeployBuild-summary">
      <strong role="status">{label}</strong>
      {time !== null && (
        <span className="jp-DeployBuild-when" title={exactTime(at)}>
          {relativeTime(time, now)}
        </span>
      )}
    </span>
  );
}

function Action({
  model,
  build
}: {
  model: BuildsModel;
  build: Build | null;
}): JSX.Element {
  const { pending } = model.state;
  if (build && isActiveBuild(build)) {
    return (
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        disabled={pending !== null || build.cancel_requested}
        aria-busy={pending === 'cancel'}
        title={
          build.cancel_requested
            ? 'The build stops at the next safe point'
            : 'Stop this build'
        }
        onClick={() => void model.cancel()}
      >
        Cancel
      </button>
    );
  }
  const again = build?.status === 'succeeded';
  return (
    <button
      type="button"
      className="jp-Button jp-mod-styled jp-mod-accept"
      disabled={pending !== null}
      aria-busy={pending === 'build'}
      title={
        again
          ? 'Build the container image of this version again'
          : 'Build a container image of this version'
      }
      onClick={() => void model.build()}
    >
      {again ? 'Rebuild' : 'Build image'}
    </button>
  );
}

/**
 * What a succeeded build made. Lines rather than a table: the sidebar is
 * too narrow for labels beside an image tag.
 */
function ImageFacts({
  build,
  image
}: {
  build: Build;
  image: BuiltImage;
}): JSX.Element {
  const packages = build.requirements?.length;
  return (
    <div className="jp-DeployBuild-image" role="group" aria-label="Image">
      <code className="jp-DeployBuild-tag" title="Image tag">
        {image.tag}
      </code>
      <Meta>
        <code title={`Image id ${image.id}`}>{shortImageId(image.id)}</code>
        <span title="Image size, as docker images shows it">
          {formatImageSize(image.size)}
        </span>
        <span title="Build time">{formatDuration(build.duration_s)}</span>
      </Meta>
      <Meta>
        <span title={`Dependency image ${image.dependency_image}`}>
          {image.dependency_cached
            ? 'dependencies cached'
            : 'dependencies built'}
        </span>
        {packages !== undefined && <span>{plural(packages, 'package')}</span>}
        <span title="Base image">
          on <code>{build.base_image}</code>
        </span>
      </Meta>
    </div>
  );
}

/** A line of facts, dot-separated. */
function Meta({ children }: { children: React.ReactNode }): JSX.Element {
  const items = React.Children.toArray(children);
  return (
    <span className="jp-DeployBuild-meta">
      {items.map((item, index) => (
        <React.Fragment key={index}>
          {index > 0 && ' · '}
          {item}
        </React.Fragment>
      ))}
    </span>
  );
}

function Failure({ error }: { error: BuildError }): JSX.Element {
  return (
    <div className="jp-DeployBuild-failure" role="alert">
      <strong className="jp-DeployBuild-failureTitle">
        {buildErrorTitle(error.code) ?? 'The build failed'}
      </strong>
      <p className="jp-DeployBuild-failureMessage">{error.message}</p>
      {error.traceback && error.code === 'smoke_test_failed' && (
        <Traceback text={error.traceback} />
      )}
      <code className="jp-DeployBuild-failureCode">{error.code}</code>
    </div>
  );
}

/** A request the server refused: why, in its words. */
function RequestError({ error }: { error: ApiError }): JSX.Element {
  const traceback = error.details.traceback;
  return (
    <div className="jp-DeployBuild-failure" role="alert">
      <strong className="jp-DeployBuild-failureTitle">
        {buildErrorTitle(error.code) ?? errorTitle(error)}
      </strong>
      <p className="jp-DeployBuild-failureMessage">{error.message}</p>
      {typeof traceback === 'string' && traceback && (
        <Traceback text={traceback} />
      )}
      <code className="jp-DeployBuild-failureCode">
        {error.status > 0 ? `HTTP ${error.status} · ` : ''}
        {error.code}
      </code>
    </div>
  );
}

/**
 * The notebook's own traceback, open: it is what needs fixing. It starts
 * scrolled to its end, where the error is (most recent call last).
 */
function Traceback({ text }: { text: string }): JSX.Element {
  const view = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    if (view.current) {
      view.current.scrollTop = view.current.scrollHeight;
    }
  }, [text]);
  return (
    <details className="jp-DeployBuild-traceback" open>
      <summary>Traceback</summary>
      <pre ref={view} tabIndex={0}>
        {text}
      </pre>
    </details>
  );
}
