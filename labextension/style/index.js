import './base.css';
import './runDialog.css';
import './runs.css';
import './versions.css';
import './builds.css';
import './deployments.css';
