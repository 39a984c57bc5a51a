// Placeholder: replaced by the embedded ClickHouse global setup.
export default async function setup(): Promise<void> {}
