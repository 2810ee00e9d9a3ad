import { LabIcon } from '@jupyterlab/ui-components';

// Paths go through ../labextension so they resolve both from this source
// folder and from the compiled lib/ folder.
import deploySvg from '../labextension/style/icons/deploy.svg';
import runParametersSvg from '../labextension/style/icons/run-parameters.svg';
import statusErrorSvg from '../labextension/style/icons/status-error.svg';
import statusOkSvg from '../labextension/style/icons/status-ok.svg';
import statusWarningSvg from '../labextension/style/icons/status-warning.svg';
import versionsSvg from '../labextension/style/icons/versions.svg';

export const deployIcon = new LabIcon({
  name: 'jupyter-deploy:deploy',
  svgstr: deploySvg
});

export const statusOkIcon = new LabIcon({
  name: 'jupyter-deploy:status-ok',
  svgstr: statusOkSvg
});

export const statusWarningIcon = new LabIcon({
  name: 'jupyter-deploy:status-warning',
  svgstr: statusWarningSvg
});

export const statusErrorIcon = new LabIcon({
  name: 'jupyter-deploy:status-error',
  svgstr: statusErrorSvg
});

export const runParametersIcon = new LabIcon({
  name: 'jupyter-deploy:run-parameters',
  svgstr: runParametersSvg
});

export const versionsIcon = new LabIcon({
  name: 'jupyter-deploy:versions',
  svgstr: versionsSvg
});
