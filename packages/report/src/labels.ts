import type { DataClass, Pathway } from '@pi-egress/domain';

export type ReportLang = 'zh' | 'en';
export const REPORT_LANGS: readonly ReportLang[] = ['zh', 'en'];

/**
 * The report's words in Chinese and English. The legal terms are written as the Measures write
 * them: 以上 (the number or more, includes it), 不满 (fewer than, excludes it), 敏感个人信息
 * (sensitive personal information); the English text keeps the Chinese term next to its gloss.
 */
export interface ReportLabels {
  htmlLang: string;
  title: string;
  subtitle: string;
  certificate: string;
  processor: string;
  group: string;
  year: string;
  asOf: string;
  asOfChina: string;
  classes: Record<DataClass, string>;
  pathways: Record<Pathway, string>;
  sections: {
    summary: string;
    thresholds: string;
    cumulative: string;
    monthly: string;
    scope: string;
    breakdowns: string;
    incidents: string;
    alerts: string;
    audit: string;
    further: string;
    verification: string;
    definitions: string;
  };
  columns: {
    class: string;
    count: string;
    cap: string;
    utilization: string;
    headroom: string;
    levels: string;
    processorCount: string;
    month: string;
  };
  pathwayRequired: string;
  thresholdRows: Record<Pathway, string>;
  thresholdNote: string;
  levelReached: string;
  levelNotReached: string;
  chart: {
    cumulative: string;
    cap: string;
    level: (percent: number) => string;
    newPeople: string;
    month: string;
    people: string;
    subjectRecords: string;
  };
  dimensions: Record<string, string>;
  none: string;
  parts: {
    scopeVersions: string;
    effectiveFrom: string;
    declaredAt: string;
    incidentTransfers: string;
    incidentRecords: string;
    alertHistoryTruncated: (shown: string, total: string) => string;
  };
  verify: {
    intro: string;
    digest: string;
    lines: string;
    signature: string;
    keyId: string;
    publicKey: string;
    value: string;
    how: string;
    pdf: string;
  };
  definitions: { asOf: string; asOfRule: string; person: string; sensitive: string; counting: string };
}

const en: ReportLabels = {
  htmlLang: 'en',
  title: 'Compliance report: personal information sent abroad under a certificate',
  subtitle: 'PIPL Art. 38(1)(2); Measures for the Certification of Personal Information Outbound Transfer',
  certificate: 'Certificate',
  processor: 'Processor',
  group: 'Group',
  year: 'Year (China time)',
  asOf: 'As of (UTC)',
  asOfChina: 'As of (China time)',
  classes: { nonSensitive: 'Non-sensitive personal information', sensitive: 'Sensitive personal information (敏感个人信息)' },
  pathways: {
    security_assessment: 'Security assessment',
    standard_contract_or_certification: 'Standard contract or certification',
    exempt: 'Exempt',
  },
  sections: {
    summary: 'Counts against the caps',
    thresholds: 'Legal thresholds and the pathway',
    cumulative: 'Distinct people through the year',
    monthly: 'New people per month',
    scope: 'Declared scope',
    breakdowns: 'Transfers by recipient, country, category, purpose and system',
    incidents: 'Out-of-scope incidents',
    alerts: 'Alert history',
    audit: 'Audit log',
    further: 'Further sections of the pack',
    verification: 'Digests, signature and how to verify',
    definitions: 'Definitions',
  },
  columns: {
    class: 'Class',
    count: 'Distinct people',
    cap: 'Declared cap',
    utilization: 'Utilisation',
    headroom: 'Headroom',
    levels: 'Alert levels reached',
    processorCount: "Processor's count (all mechanisms)",
    month: 'Month',
  },
  pathwayRequired: "Pathway the processor's counts require",
  thresholdRows: {
    security_assessment: 'CII operator, important data, non-sensitive 1,000,000 以上 (or more), or sensitive 10,000 以上 (or more)',
    standard_contract_or_certification: 'otherwise non-sensitive 100,000 以上 (or more), or sensitive 1 以上 (any)',
    exempt: 'otherwise: non-sensitive 不满 100,000 (fewer than) and no sensitive personal information',
  },
  thresholdNote:
    '以上 includes the number; 不满 excludes it. Under a certificate the ceilings are therefore 999,999 non-sensitive and 9,999 sensitive.',
  levelReached: 'reached',
  levelNotReached: 'not reached',
  chart: {
    cumulative: 'Cumulative distinct people',
    cap: 'cap',
    level: (percent) => `${percent} % of cap`,
    newPeople: 'New people',
    month: 'Month',
    people: 'People',
    subjectRecords: 'Subject records',
  },
  dimensions: { recipient: 'Recipient', country: 'Country', category: 'Category', purpose: 'Purpose', system: 'System' },
  none: 'None.',
  parts: {
    scopeVersions: 'Scope versions declared by the as-of time',
    effectiveFrom: 'in force from',
    declaredAt: 'declared',
    incidentTransfers: 'Out-of-scope transfers',
    incidentRecords: 'Breaches on record and their acknowledgements',
    alertHistoryTruncated: (shown, total) =>
      `Truncated: the first ${shown} of ${total} alert transitions are listed; the rest are in the monitor's alert history.`,
  },
  verify: {
    intro: 'This report is rendered from the signed evidence pack alone; the PDF carries the pack itself as the attachment evidence-pack.json.',
    digest: 'SHA-256 digest of the first-seen lines',
    lines: 'Line format',
    signature: 'Signature',
    keyId: 'Key id',
    publicKey: 'Public key (SPKI DER, base64)',
    value: 'Signature value',
    how: 'To verify against the store: pi-egress-evidence verify <pack.json or report.pdf> --public-key <evidence key .pub> --clickhouse-url <url>',
    pdf: 'For a PDF, verify also checks that these pages state the figures of the pack they carry.',
  },
  definitions: {
    asOf: 'What "as of" means',
    asOfRule: 'How asOf was chosen',
    person:
      'A person counts once per calendar year (China time, UTC+8) and class, however many transfers carried them; their first-seen time is the earliest event time stored for them.',
    sensitive: 'Sensitive personal information (敏感个人信息): PIPL Art. 28 and GB/T 35273-2020 Annex B; an unknown category counts as sensitive.',
    counting:
      "Counts here are those of transfers made under this certificate; the pathway is decided by the processor's counts over all its counted transfers.",
  },
};

const zh: ReportLabels = {
  htmlLang: 'zh-CN',
  title: '个人信息出境认证年度合规报告',
  subtitle: '《个人信息保护法》第三十八条；《个人信息出境认证办法》',
  certificate: '认证证书',
  processor: '个人信息处理者',
  group: '集团',
  year: '年度（北京时间）',
  asOf: '数据截至（UTC）',
  asOfChina: '数据截至（北京时间）',
  classes: { nonSensitive: '个人信息（非敏感）', sensitive: '敏感个人信息' },
  pathways: {
    security_assessment: '数据出境安全评估',
    standard_contract_or_certification: '个人信息出境标准合同或个人信息保护认证',
    exempt: '免予申报',
  },
  sections: {
    summary: '数量与上限',
    thresholds: '法定门槛与出境路径',
    cumulative: '全年累计人数',
    monthly: '每月新增人数',
    scope: '申报范围',
    breakdowns: '按接收方、国家或地区、类别、目的、系统统计',
    incidents: '超出范围事件',
    alerts: '告警记录',
    audit: '审计日志',
    further: '证据包的其他部分',
    verification: '摘要、签名与核验方法',
    definitions: '定义',
  },
  columns: {
    class: '类别',
    count: '去重人数',
    cap: '申报上限',
    utilization: '使用率',
    headroom: '剩余额度',
    levels: '已达告警水平',
    processorCount: '处理者人数（全部机制）',
    month: '月份',
  },
  pathwayRequired: '处理者人数所要求的出境路径',
  thresholdRows: {
    security_assessment: '关键信息基础设施运营者、重要数据、100万人以上个人信息或1万人以上敏感个人信息',
    standard_contract_or_certification: '其他情形下，10万人以上个人信息或1人以上敏感个人信息',
    exempt: '其他情形：个人信息不满10万人且无敏感个人信息',
  },
  thresholdNote: '“以上”包括本数，“不满”不包括本数。因此认证项下的上限为个人信息999,999人、敏感个人信息9,999人。',
  levelReached: '已达',
  levelNotReached: '未达',
  chart: {
    cumulative: '累计去重人数',
    cap: '上限',
    level: (percent) => `上限的${percent}%`,
    newPeople: '新增人数',
    month: '月份',
    people: '人数',
    subjectRecords: '个人记录数',
  },
  dimensions: { recipient: '境外接收方', country: '国家或地区', category: '个人信息类别', purpose: '目的', system: '系统' },
  none: '无。',
  parts: {
    scopeVersions: '截至时间前申报的范围版本',
    effectiveFrom: '生效于',
    declaredAt: '申报于',
    incidentTransfers: '超出范围的传输',
    incidentRecords: '违规事件及其确认',
    alertHistoryTruncated: (shown, total) => `已截断：仅列出 ${total} 条告警状态变化中的前 ${shown} 条，其余见监测系统的告警记录。`,
  },
  verify: {
    intro: '本报告仅依据已签名的证据包生成；PDF 以附件 evidence-pack.json 携带该证据包本身。',
    digest: '首次出现记录的 SHA-256 摘要',
    lines: '行格式',
    signature: '签名',
    keyId: '密钥标识',
    publicKey: '公钥（SPKI DER，base64）',
    value: '签名值',
    how: '对照存储核验：pi-egress-evidence verify <pack.json 或 report.pdf> --public-key <证据公钥 .pub> --clickhouse-url <url>',
    pdf: '核验 PDF 时，还会检查各页所载数字与其携带的证据包一致。',
  },
  definitions: {
    asOf: '“数据截至”的含义',
    asOfRule: '截至时间的确定方式',
    person: '每人每个日历年度（北京时间，UTC+8）每一类别只计一次，无论涉及多少次传输；首次出现时间为所存事件时间中最早者。',
    sensitive: '敏感个人信息：《个人信息保护法》第二十八条及 GB/T 35273-2020 附录B；未知类别按敏感个人信息计。',
    counting: '本报告的人数为本证书项下传输的人数；出境路径由处理者全部计数传输的人数决定。',
  },
};

export const LABELS: Readonly<Record<ReportLang, ReportLabels>> = { en, zh };
