/** App-wide DI tokens (config and logger); here, not in `cable/`, so no feature folder imports the gateway. */

/** The whole frozen `CableConfig`. */
export const CABLE_CONFIG = Symbol('CABLE_CONFIG');
/** The application's `CableLogger`. */
export const CABLE_LOGGER = Symbol('CABLE_LOGGER');
