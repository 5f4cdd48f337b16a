/**
 * The `dashboard` slice: the live dashboard (on by default only in public
 * mode, otherwise `--dashboard` with a `--dashboard_key`) and the development
 * "it works" page at `/` (public mode only). cablecar only; anycable-go has no dashboard.
 */
import { IsBoolean, IsString, Matches } from 'class-validator';
import { defineCapability, type Resolved, type SharedSettings } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { DASHBOARD_SETTINGS } from './dashboard.tokens.js';

/** Options of the `dashboard` slice. */
export class DashboardOptions {
  @Option({ kind: 'bool', toml: 'dashboard.enabled', description: 'Serve the live dashboard at dashboard_path (always on in public mode); needs dashboard_key otherwise. cablecar only.' })
  @IsBoolean()
  dashboard = false;

  @Option({ kind: 'string', toml: 'dashboard.key', secret: true, description: 'Key that opens the dashboard (`?key=` once, then a cookie; or Authorization: Bearer). Required unless public.' })
  @IsString()
  dashboardKey = '';

  @Option({ kind: 'string', toml: 'dashboard.path', description: 'Path of the live dashboard.' })
  @IsString() @Matches(/^(\/[A-Za-z0-9._~-]+)+$/, { message: 'dashboard_path must be / followed by letters, digits, . _ ~ - and more / segments' })
  dashboardPath = '/_dashboard';
}

/** How dashboard requests are let in. */
export type DashboardAuth = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'open' };

/** The resolved `dashboard` slice. */
export interface DashboardSettings {
  /** The dashboard, or undefined when it is off. */
  readonly dashboard?: { readonly path: string; readonly auth: DashboardAuth };
  /** Serve the "it works" page at `/` (public mode). */
  readonly welcomePage: boolean;
}

/** Resolve the `dashboard` slice: public mode turns it on and opens it unless a key is set. */
export function resolveDashboardSettings(options: Readonly<DashboardOptions>, shared: Pick<SharedSettings, 'app'>): Resolved<DashboardSettings, DashboardOptions> {
  const isPublic = shared.app.public;
  const enabled = options.dashboard || isPublic;
  const problems: string[] = [];
  if (enabled && !options.dashboardKey && !isPublic) problems.push('dashboard: on, but no dashboard_key is set (the dashboard is open without a key only in public mode)');
  const auth: DashboardAuth = options.dashboardKey ? { kind: 'key', key: options.dashboardKey } : { kind: 'open' };
  return {
    settings: { dashboard: enabled ? { path: options.dashboardPath, auth } : undefined, welcomePage: isPublic },
    problems,
    warnings: [],
    ...(enabled !== options.dashboard ? { implied: { dashboard: enabled } } : {}),
  };
}

/** The `dashboard` capability, provided as `DASHBOARD_SETTINGS`. */
export const dashboardCapability = defineCapability({ name: 'dashboard', options: DashboardOptions, token: DASHBOARD_SETTINGS, resolve: resolveDashboardSettings });
