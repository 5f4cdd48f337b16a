/** DI tokens of the dashboard. */

/** Frozen `DashboardSettings`: whether the dashboard and the welcome page are served, where, and how the dashboard is protected. */
export const DASHBOARD_SETTINGS = Symbol('DASHBOARD_SETTINGS');
