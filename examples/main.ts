/**
 * The example app `cdk8s synth` builds (see cdk8s.yaml): the field guide's manifests, a multi-namespace shop, and the
 * platform's cluster-wide policies over both.
 */
import { App } from 'cdk8s';
import { connectivitySummary } from '../lib/testing';
import { GuideChart, MonitoringChart, OrFormChart } from './guide';
import { PlatformChart } from './platform';
import { ShopChart } from './shop';

/** Builds the example app into `outdir`. */
export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  new GuideChart(app, 'guide');
  new MonitoringChart(app, 'monitoring');
  new OrFormChart(app, 'guide-or-form');
  new ShopChart(app, 'shop');
  new PlatformChart(app, 'platform');
  return app;
}

if (require.main === module) {
  const app = buildApp();
  app.synth();
  // cdk8s synth captures the app's stdout; the summary is a report for the person running it.
  process.stderr.write(connectivitySummary(app));
}
