/**
 * The catalogue of add_tiktok_ad's arguments (Adspirer's add_tiktok_ad reference page), with the
 * rules from TikTok's Marketing API v1.3 ad/create models. The schema, the header matcher, the template
 * and the README's field table are all derived from this one list.
 */
export type FieldKind =
  | 'digits' // a numeric TikTok ID kept as text (16–19 digits are above 2^53)
  | 'ref' // an opaque ID (video ids, identity ids) kept as text
  | 'text'
  | 'url' // absolute https URL
  | 'uri' // app deep link
  | 'enum'
  | 'bool'
  | 'refList'
  | 'urlList'
  | 'clickables';

/**
 * TikTok's length rules for a text (TikTok Marketing API v1.3, ad/create request models): code
 * points, with each Chinese and Japanese character counting two, and Korean too where
 * `koreanAsTwo` (TikTok says so of display_name only; elsewhere a text that would be too long only
 * if Korean counted two is sent with a warning, coerce.ts).
 */
export interface TextRule {
  readonly min?: number;
  readonly max: number;
  readonly noEmoji?: boolean;
  readonly koreanAsTwo: boolean;
}

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required?: boolean;
  readonly values?: readonly string[];
  /**
   * Spellings of TikTok's own SDK enums (TikTok Marketing API v1.3 models) that Adspirer's tool page
   * does not list. Which one Adspirer forwards is not documented, so both are accepted and sent as
   * written, with a warning (never a false refusal).
   */
  readonly alsoAccepted?: readonly string[];
  /** Values the tool page warns against: accepted and sent, with this warning before any paid call. */
  readonly discouraged?: Readonly<Record<string, string>>;
  /** A text's length rule, where TikTok sets one (the README's limits column says it from here). */
  readonly text?: TextRule;
  /** What the README's limits column says of a field without a text rule. */
  readonly limit?: string;
  readonly example: string;
  readonly description: string;
  readonly aliases?: readonly string[];
}

/** TikTok's known calls-to-action (TikTok Marketing API v1.3, Smart+ ad schema). */
const CALLS_TO_ACTION = [
  'APPLY_NOW',
  'BOOK_NOW',
  'CALL_NOW',
  'CHECK_AVAILABILITY',
  'CONTACT_US',
  'DOWNLOAD_NOW',
  'EXPERIENCE_NOW',
  'GET_QUOTE',
  'GET_SHOWTIMES',
  'GET_TICKETS_NOW',
  'INSTALL_NOW',
  'INTERESTED',
  'JOIN_THIS_HASHTAG',
  'LEARN_MORE',
  'LISTEN_NOW',
  'ORDER_NOW',
  'PLAY_GAME',
  'PREORDER_NOW',
  'READ_MORE',
  'SEND_MESSAGE',
  'SHOOT_WITH_THIS_EFFECT',
  'SHOP_NOW',
  'SIGN_UP',
  'SUBSCRIBE',
  'VIEW_NOW',
  'VIEW_PROFILE',
  'VIEW_VIDEO_WITH_THIS_EFFECT',
  'VISIT_STORE',
  'WATCH_LIVE',
  'WATCH_NOW',
] as const;

/** Synonyms Adspirer corrects itself (add_tiktok_ad.txt); we correct them first, with a warning. */
export const CTA_SYNONYMS: Readonly<Record<string, string>> = {
  DOWNLOAD: 'DOWNLOAD_NOW',
  INSTALL: 'INSTALL_NOW',
  BUY_NOW: 'SHOP_NOW',
};

const ENABLE_DISABLE = ['ENABLE', 'DISABLE'] as const;
const POSTBID_PARTNERS = ['DV', 'IAS', 'MOAT'] as const;
/** TikTok's SDK enum for post-bid partners (DOUBLE_VERIFY, IAS, ZEFR) beside the tool page's DV, IAS, MOAT. */
const SDK_PARTNERS = ['DOUBLE_VERIFY', 'ZEFR'] as const;

export const FIELDS: readonly FieldSpec[] = [
  {
    name: 'adgroup_id',
    kind: 'digits',
    required: true,
    example: '1780000000000000001',
    limit: 'digits; several separated by | make one ad per ad group',
    description: 'Existing TikTok ad group ID to add the ad to',
    aliases: ['ad_group', 'adgroup', 'ad_group_id'],
  },
  {
    name: 'ad_text',
    kind: 'text',
    required: true,
    example: 'Fresh coffee beans, roasted this week. 20% off your first bag.',
    text: { min: 1, max: 100, noEmoji: true, koreanAsTwo: false },
    description: 'Ad text shown with the creative',
    aliases: ['text', 'primary_text', 'caption'],
  },
  {
    name: 'landing_page_url',
    kind: 'url',
    required: true,
    example: 'https://example.com/coffee?utm_source=tiktok',
    limit: 'https:// URL',
    description: 'Landing page URL',
    aliases: ['landing_page', 'url', 'destination_url', 'final_url', 'link'],
  },
  {
    name: 'ad_name',
    kind: 'text',
    example: 'EXAMPLE - delete this row',
    text: { max: 512, noEmoji: true, koreanAsTwo: false },
    description: 'Ad name; auto-generated when empty (or from --ad-name)',
    aliases: ['name'],
  },
  {
    name: 'ad_format',
    kind: 'enum',
    values: ['SINGLE_VIDEO', 'SINGLE_IMAGE', 'CAROUSEL_ADS', 'CATALOG_CAROUSEL', 'LIVE_CONTENT'],
    // add_tiktok_ad.txt, ad_format: "image_urls (slideshow) / image_ids → SINGLE_VIDEO (TikTok in-feed rejects SINGLE_IMAGE)".
    discouraged: {
      SINGLE_IMAGE:
        'is SINGLE_IMAGE, which the tool page says "TikTok in-feed rejects" (images go out as SINGLE_VIDEO, a slideshow); the call will likely be refused and still cost one. Leave ad_format empty so Adspirer detects it',
    },
    example: '',
    description: 'Ad format; leave empty so Adspirer detects it from the creative',
    aliases: ['format'],
  },
  {
    name: 'display_name',
    kind: 'text',
    example: 'Bean There',
    // TikTok counts every CJK character, Korean included, as two in display_name.
    text: { max: 40, koreanAsTwo: true },
    description: 'Brand name shown on the ad',
    aliases: ['brand', 'brand_name'],
  },
  { name: 'call_to_action', kind: 'enum', values: CALLS_TO_ACTION, example: 'SHOP_NOW', description: 'Call-to-action button', aliases: ['cta'] },
  {
    name: 'image_ids',
    kind: 'refList',
    example: '',
    limit: 'several separated by | or new lines; a creative source of its own',
    description: 'TikTok image IDs (from upload_tiktok_images)',
    aliases: ['image_id'],
  },
  {
    name: 'image_urls',
    kind: 'urlList',
    example: '',
    limit: 'https:// URLs separated by | or new lines',
    description: 'Public image URLs, made into a slideshow',
    aliases: ['image_url', 'images'],
  },
  { name: 'video_id', kind: 'ref', example: '', description: 'TikTok video ID already on the advertiser' },
  {
    name: 'video_url',
    kind: 'url',
    example: 'https://cdn.example.com/ads/coffee-v1.mp4',
    limit: 'https:// URL of an MP4 or MOV',
    description: 'Public video URL; Adspirer uploads it',
    aliases: ['video'],
  },
  { name: 'identity_id', kind: 'ref', example: '', description: 'Advertiser identity ID; auto-resolved when empty' },
  {
    name: 'identity_type',
    kind: 'enum',
    values: ['BC_AUTH_TT', 'TT_USER'],
    alsoAccepted: ['AUTH_CODE'],
    example: '',
    description: 'Identity type; auto-resolved when empty. Spark ads need TT_USER',
  },
  {
    name: 'tiktok_item_id',
    kind: 'digits',
    example: '',
    limit: 'needs identity_type TT_USER and identity_id',
    description: 'TikTok post ID for Spark Ads',
    aliases: ['spark_post_id', 'item_id'],
  },
  {
    name: 'card_id',
    kind: 'ref',
    example: '',
    limit: 'with card_type and no other creative',
    description: 'Carousel card ID (from create_tiktok_carousel_card)',
  },
  { name: 'card_type', kind: 'enum', values: ['IMAGE', 'PRODUCT'], example: '', limit: 'needs card_id', description: 'Card type; needs card_id' },
  { name: 'click_tracking_url', kind: 'url', example: '', limit: 'http warns', description: 'Third-party click tracking URL' },
  { name: 'impression_tracking_url', kind: 'url', example: '', limit: 'http warns', description: 'Third-party impression tracking URL' },
  { name: 'video_view_tracking_url', kind: 'url', example: '', limit: 'http warns', description: 'Third-party video-view tracking URL' },
  { name: 'tracking_pixel_id', kind: 'digits', example: '', description: 'Numeric tracking pixel ID' },
  { name: 'deeplink', kind: 'uri', example: '', limit: 'an app URI such as myapp://product/123', description: 'App deep link', aliases: ['deep_link'] },
  {
    name: 'deeplink_type',
    kind: 'enum',
    values: ['NORMAL', 'DEFERRED'],
    alsoAccepted: ['DEFERRED_DEEPLINK'],
    example: '',
    description: 'Deep link type; needs a deeplink',
  },
  {
    name: 'fallback_type',
    kind: 'enum',
    values: ['APP_INSTALL', 'WEB_LANDING'],
    alsoAccepted: ['WEBSITE'],
    example: '',
    description: 'What happens when the deep link fails; needs a deeplink',
  },
  {
    name: 'disclaimer_text',
    kind: 'text',
    example: '',
    text: { max: 90, koreanAsTwo: false },
    description: 'Disclaimer shown with the ad (allowlisted accounts only)',
  },
  {
    name: 'disclaimer_clickable_texts',
    kind: 'clickables',
    example: '',
    limit: 'JSON [{"text","url"}] or text|url lines; at most 3, texts 40 characters together',
    description: 'Clickable disclaimer segments',
  },
  { name: 'disclaimer_type', kind: 'enum', values: ['TEXT_LINK', 'TEXT_ONLY'], example: '', description: 'Disclaimer type' },
  {
    name: 'vertical_video_strategy',
    kind: 'enum',
    values: ['SINGLE_VIDEO', 'CATALOG_VIDEOS', 'CATALOG_UPLOADED_VIDEOS', 'LIVE_STREAMING'],
    example: '',
    description: 'Video strategy; empty lets TikTok pick',
  },
  { name: 'item_duet_status', kind: 'enum', values: ENABLE_DISABLE, example: '', description: 'Allow duets' },
  { name: 'item_stitch_status', kind: 'enum', values: ENABLE_DISABLE, example: '', description: 'Allow stitches' },
  { name: 'promotional_music_disabled', kind: 'bool', example: '', description: "Disable TikTok's promotional music library" },
  { name: 'creative_authorized', kind: 'bool', example: '', description: 'Authorise the creative for reuse in this advertiser' },
  {
    name: 'dark_post_status',
    kind: 'enum',
    values: ENABLE_DISABLE,
    alsoAccepted: ['ON', 'OFF'],
    example: '',
    description: 'Dark post (not on the organic profile)',
  },
  {
    name: 'brand_safety_postbid_partner',
    kind: 'enum',
    values: POSTBID_PARTNERS,
    alsoAccepted: SDK_PARTNERS,
    example: '',
    description: 'Post-bid brand-safety partner; IAS needs brand_safety_vast_url',
  },
  { name: 'brand_safety_vast_url', kind: 'url', example: '', limit: 'https:// URL', description: 'VAST tag URL for post-bid brand safety' },
  {
    name: 'viewability_postbid_partner',
    kind: 'enum',
    values: POSTBID_PARTNERS,
    alsoAccepted: SDK_PARTNERS,
    example: '',
    description: 'Viewability partner; IAS needs viewability_vast_url',
  },
  { name: 'viewability_vast_url', kind: 'url', example: '', limit: 'https:// URL', description: 'VAST URL for post-bid viewability' },
  { name: 'vast_moat_enabled', kind: 'bool', example: '', description: 'Enable Moat viewability measurement' },
  { name: 'page_id', kind: 'ref', example: '', description: 'TikTok Page ID (Instant Forms, custom pages)' },
  {
    name: 'advertiser_id',
    kind: 'digits',
    example: '7000000000000000001',
    description: 'TikTok advertiser ID; needed when several advertisers are connected',
    aliases: ['advertiser', 'account_id'],
  },
];

export const FIELD_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.name, f]));

/**
 * Columns the reader accepts and ignores: the `error` and `retry_of` columns of our own retry
 * files (report/retry-of.ts).
 */
export const IGNORED_COLUMNS: readonly string[] = ['error', 'retry_of'];

/** Fields whose values are IDs: a number that lost digits in a spreadsheet is fatal for them. */
export function isIdField(field: FieldSpec): boolean {
  return field.kind === 'digits' || field.kind === 'ref' || field.kind === 'refList';
}

/** Tracking URLs that TikTok fires: the tool page asks https only of the landing page, so http warns. */
/** The fields holding links to something TikTok fetches or shows: the ones link checks read (links/). */
export const LINK_FIELDS = ['video_url', 'image_urls', 'landing_page_url'] as const;

export const TRACKING_URLS: ReadonlySet<string> = new Set(['click_tracking_url', 'impression_tracking_url', 'video_view_tracking_url']);
