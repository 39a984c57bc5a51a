export * from './chromium.js';
export * from './html.js';
export * from './labels.js';
export * from './pdf.js';
export * from './verify-pdf.js';
