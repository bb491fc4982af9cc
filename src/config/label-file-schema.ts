import { z } from 'zod';
import { LABEL_CATEGORIES } from '../core/labels/address-label.js';

/**
 * One address label in `config/labels/*.yaml` (issue #11; docs/labels.md):
 * `{ chain, address, label, category, source }`. `source` cites where the
 * label comes from (an explorer page, a dataset, a TagPack's source).
 */
export const labelEntrySchema = z
  .object({
    chain: z.string().min(1),
    address: z.string().min(1),
    label: z.string().trim().min(1).max(200),
    category: z.enum(LABEL_CATEGORIES),
    source: z.string().refine((s) => /^https?:\/\/\S+$/.test(s) && URL.canParse(s), 'source must be the http(s) URL the label comes from'),
    note: z.string().optional(),
  })
  .strict();

export const labelFileSchema = z
  .object({
    description: z.string().optional(),
    /** false: the file is kept but none of its labels is used. */
    enabled: z.boolean().default(true),
    labels: z.array(z.unknown()),
  })
  .strict();

export type LabelEntryFields = z.infer<typeof labelEntrySchema>;
