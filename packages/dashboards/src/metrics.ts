/**
 * Metric names the panels use beyond the recording rules. The forecast is a timestamp (SPEC §7:
 * when the cap is reached at the current rate, absent when never this year).
 */
export const FORECAST_CAP_TIMESTAMP = 'pi_egress_forecast_cap_timestamp_seconds';
