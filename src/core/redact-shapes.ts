// Credentials recognisable by their shape alone (a vendor prefix, a fixed layout), whatever key,
// header or sentence they sit in. One table, so adding a vendor is one line; one cheap gate, so
// the ~99 % of log lines that hold none of them pay for a single regex test.

/** Typed placeholders the shapes below turn into (see PLACEHOLDERS in redact.ts). */
export type ShapePlaceholder =
  | '<SLACK_TOKEN>'
  | '<SUPABASE_KEY>'
  | '<GOOGLE_KEY>'
  | '<STRIPE_KEY>'
  | '<AWS_KEY>'
  | '<GITHUB_TOKEN>'
  | '<GITLAB_TOKEN>'
  | '<NPM_TOKEN>'
  | '<WEBHOOK>'
  | '<API_KEY>'
  | '<TOKEN>';

// `(?<![A-Za-z0-9])` rather than \b: a prefix glued to a word (`mask_sk_live_…`) is still a key.
const S = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

export const SHAPES: readonly (readonly [RegExp, ShapePlaceholder])[] = [
  // Slack bot/user/app/refresh tokens and incoming webhooks.
  [new RegExp(`${S}(?:xox[abposrce]-[A-Za-z0-9-]{10,}|xapp-\\d-[A-Za-z0-9-]{10,})`, 'g'), '<SLACK_TOKEN>'],
  [/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g, '<SLACK_TOKEN>'],
  // Discord, Microsoft Teams and Zapier webhook URLs carry their secret in the path.
  [/(?:(?:ptb\.|canary\.)?discord(?:app)?\.com\/api(?:\/v\d+)?\/webhooks\/\d+\/[\w-]+|(?<![\w-])[\w-]+\.webhook\.office\.com\/webhookb2\/[\w@/-]+|hooks\.zapier\.com\/hooks\/catch\/[\w/]+)/g, '<WEBHOOK>'],
  // Supabase new-style API keys and personal access tokens (the JWT keys are caught as JWTs).
  [new RegExp(`${S}(?:sb_(?:secret|publishable)_[A-Za-z0-9_-]{10,}|sbp_(?:v0_)?[a-f0-9]{40})`, 'g'), '<SUPABASE_KEY>'],
  // Google API keys (Gemini, Maps), OAuth access tokens and OAuth client secrets.
  [new RegExp(`${S}(?:AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]{20,}|GOCSPX-[0-9A-Za-z_-]{20,})`, 'g'), '<GOOGLE_KEY>'],
  // Stripe secret, publishable and restricted keys, webhook signing secrets.
  [new RegExp(`${S}(?:(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{10,}|whsec_[0-9A-Za-z]{16,})`, 'g'), '<STRIPE_KEY>'],
  // AWS access key ids (the secret key has no shape: it is caught by its key name).
  [new RegExp(`${S}(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[0-9A-Z]{16}${E}`, 'g'), '<AWS_KEY>'],
  [new RegExp(`${S}(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`, 'g'), '<GITHUB_TOKEN>'],
  // GitLab personal, deploy, runner, pipeline-trigger, feed, OAuth and agent tokens.
  [new RegExp(`${S}(?:gl(?:pat|dt|rt|ptt|ft|imt|oas|cbt|soat|ffct|agent)-[\\w-]{20,}|GR1348941[\\w-]{20,})`, 'g'), '<GITLAB_TOKEN>'],
  [new RegExp(`${S}npm_[A-Za-z0-9]{36}${E}`, 'g'), '<NPM_TOKEN>'],
  // SendGrid (SG.<id>.<secret>), Twilio API key and account SIDs, Mailgun, Hugging Face,
  // Shopify, DigitalOcean, PyPI, Brevo, Square, age, OpenAI/Anthropic-style sk- keys.
  [
    new RegExp(
      `${S}(?:SG\\.[\\w-]{10,40}\\.[\\w-]{10,80}|(?:SK|AC)[0-9a-fA-F]{32}${E}|key-[0-9a-f]{32}${E}|hf_[A-Za-z0-9]{30,}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|do[por]_v1_[a-f0-9]{64}|pypi-AgE[\\w-]{50,}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|sq0(?:atp|csp)-[\\w-]{22,}|AGE-SECRET-KEY-1[0-9A-Z]{58}|sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,})`,
      'g',
    ),
    '<API_KEY>',
  ],
  // Telegram bot tokens (<bot id>:AA…), also inside api.telegram.org/bot<token>/ paths.
  [/(?<![\w:])\d{8,10}:AA[\w-]{33}(?![\w-])/g, '<TOKEN>'],
];

/** True when `text` may hold one of SHAPES; false means none of them can match. */
export const MAY_HAVE_SHAPE =
  /xox|xapp|hooks\.|webhook|discord|sbp?_|AIza|ya29\.|GOCSPX|[spr]k_|whsec_|A[KSGIRNBC][A-Z]A|gh[pousr]_|github_pat|gl[a-z]{2,5}-|GR1348941|npm_|SG\.|[SA][CK][0-9a-fA-F]{8}|key-|hf_|shp|_v1_|pypi-|xkeysib|sq0|AGE-|sk-|:AA/;
