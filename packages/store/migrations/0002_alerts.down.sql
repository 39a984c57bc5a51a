DROP TABLE IF EXISTS alert_history;
DROP TABLE IF EXISTS alert_state;
