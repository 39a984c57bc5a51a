import type { CategoryCatalogue, NormaliseOptions } from '@pi-egress/domain';
import type { Store } from '@pi-egress/store';

/** What the application services need: the store, the catalogue, the subject key and a clock. */
export interface MonitorContext {
  store: Store;
  catalogue: CategoryCatalogue;
  /** HMAC key of the pseudonyms (EGRESS_SUBJECT_KEY). Never logged. */
  subjectKey: string | Buffer;
  /** Region of national phone numbers in raw subject ids (EGRESS_PHONE_REGION, default CN). */
  phoneRegion?: NormaliseOptions['phoneRegion'];
  /** Injectable so tests can stand on any date (year end, renewal dates). */
  now: () => Date;
}
