/**
 * Word pools for bulk text. Faker is kept for the few values that must look like real
 * people (names, avatars, addresses); everything produced by the million comes from these
 * pools through a seeded PRNG, which is several times faster and reads like real work.
 */
export const AREAS = [
  'checkout', 'billing', 'onboarding', 'search', 'dashboard', 'settings page', 'sign-up flow', 'login page', 'notifications',
  'project list', 'task board', 'comment thread', 'file uploads', 'API gateway', 'admin panel', 'mobile app', 'iOS app',
  'Android app', 'public API', 'webhooks', 'invoice PDF', 'analytics export', 'team invites', 'permissions', 'audit log',
  'password reset', 'email templates', 'preview renderer', 'docs site', 'marketing site', 'CLI', 'status page', 'sidebar',
  'calendar view', 'activity feed', 'user profile', 'SSO integration', 'Slack integration', 'GitHub integration', 'import wizard',
  'payments', 'payment form', 'refunds', 'subscription renewal', 'invoice emails', 'deploy pipeline', 'release train', 'staging environment',
  'login form', 'two-factor login', 'magic link login', 'settings UI', 'reporting', 'data retention', 'rate limits', 'tax calculation',
  'shopping cart', 'order history', 'inventory sync', 'search results', 'onboarding checklist', 'billing portal', 'usage metering',
];

export const COMPONENTS = [
  'date picker', 'avatar upload', 'pagination', 'rate limiter', 'session cache', 'job queue', 'retry logic', 'error banner',
  'empty state', 'dark mode', 'keyboard shortcuts', 'CSV export', 'bulk actions', 'drag and drop', 'search index', 'feature flag',
  'webhook signature check', 'timezone handling', 'currency formatting', 'image thumbnails', 'loading skeleton', 'undo stack',
  'access token refresh', 'cookie consent', 'audit trail', 'health check', 'cron schedule', 'locale fallback', 'tooltip',
];

export const BUGS = [
  'redirect loop', 'memory leak', 'race condition', 'flaky test', 'timeout', 'double submit', 'stale cache', 'broken layout',
  'wrong totals', 'missing translations', 'slow query', 'crash on launch', '500 error', 'encoding issue', 'off-by-one in pagination',
  'duplicate emails', 'blank screen', 'scroll jump', 'wrong timezone', 'N+1 queries', 'deadlock', 'login bug', 'payment failure',
  'deploy failure', 'session expiry', 'broken redirect', 'missing permission check', 'flicker', 'data loss', 'CORS error',
  'stuck spinner', 'rounding error', 'infinite retry', 'certificate expiry', 'cache stampede', 'dropped webhook', 'garbled characters',
];

export const PLATFORMS = ['Safari', 'Firefox', 'Chrome', 'Edge', 'iOS 17', 'Android 14', 'iPadOS', 'Windows', 'macOS', 'Linux', 'small screens', 'slow 3G', 'Opera', 'Brave', 'Samsung Internet', 'ChromeOS'];

export const DEPENDENCIES = [
  'React', 'Node.js', 'PostgreSQL', 'TypeScript', 'Next.js', 'Vite', 'Tailwind', 'Stripe SDK', 'Sentry', 'Playwright', 'ESLint', 'Prisma', 'Redis client', 'OpenSSL',
  'Django', 'Rails', 'Kubernetes', 'Terraform', 'Docker', 'Webpack', 'GraphQL', 'Kafka', 'Elasticsearch', 'Braintree SDK', 'Auth0', 'Datadog agent',
];

/** What goes wrong in production: the incidents, deploys, logins and payments people search for. */
export const INCIDENTS = [
  'checkout outage', 'login outage', 'payment processing delay', 'database failover', 'elevated error rate', 'queue backlog',
  'expired TLS certificate', 'DNS misconfiguration', 'memory pressure on workers', 'third-party API outage', 'slow page loads', 'disk full on the primary',
];
export const PAYMENT_ISSUES = ['declined cards', 'double charges', 'failed refunds', 'missing receipts', 'currency mismatch', 'stuck payouts', 'chargeback alerts', 'expired cards'];

export const TITLE_TEMPLATES: readonly string[] = [
  'Fix {bug} in {area}',
  'Fix {bug} on {platform}',
  'Add {component} to {area}',
  'Implement {component} for {area}',
  'Refactor {area} {component}',
  'Investigate {bug} in {area}',
  'Write tests for {area} {component}',
  'Document {component} in {area}',
  'Upgrade {dependency} to v{major}',
  'Migrate {area} to {dependency}',
  'Improve {area} performance',
  'Redesign {area}',
  'Remove legacy {component} from {area}',
  'Add analytics events to {area}',
  'Localize {area} for {language}',
  'Make {area} accessible (WCAG AA)',
  'Reduce {area} bundle size',
  'Handle {bug} when {area} is offline',
  'Spike: {component} options for {area}',
  'Clean up {component} feature flag',
  'Login bug: {bug} after password reset on {platform}',
  'Users cannot log in on {platform} since the last deploy',
  'Deploy {area} to production behind a feature flag',
  'Roll back the {area} deployment',
  'Deployment of {dependency} upgrade stuck on staging',
  'Incident follow-up: {incident}',
  'Postmortem for the {incident}',
  'Payments: {payment} in {area}',
  'Investigate {payment} reported by support',
  'Bug report: {bug} in {area} on {platform}',
  'Add monitoring for {incident}',
  'Coverage of {area} tests back to 100%',
];

export const LANGUAGES = ['German', 'French', 'Japanese', 'Spanish', 'Portuguese', 'Korean', 'Dutch', 'Italian'];

export const DESCRIPTION_SENTENCES: readonly string[] = [
  'Customers reported this through support; see the linked ticket for the reproduction steps.',
  'Happens about one time in ten, mostly after a deploy.',
  'Acceptance criteria: the {area} works on {platform} and the existing tests still pass.',
  'This blocks the {area} launch planned for next sprint.',
  'Scope is limited to {area}; {component} changes go in a follow-up.',
  'Design is in Figma, ask {name} for access.',
  'We should measure before and after, the last attempt made {area} slower on {platform}.',
  'Keep the old behaviour behind a feature flag until we have numbers.',
  'Logs show the {bug} started with the {dependency} upgrade.',
  'Not urgent, but it keeps coming up in user interviews.',
  'Pair with {name} on the {component} part.',
  'The API contract must not change; mobile clients still use v1.',
];

export const COMMENT_OPENERS: readonly string[] = [
  'I can reproduce this on {platform}.',
  'Looked into it this morning.',
  'Quick update:',
  'Thanks for picking this up!',
  '{name}, could you take a look?',
  'Good catch.',
  'Not sure this is the right approach.',
  'Following up from standup:',
  'Heads up:',
  'Small thing before we merge:',
];

export const COMMENT_BODIES: readonly string[] = [
  'The {bug} only shows up when the {component} is enabled.',
  'I pushed a fix in {commit}, the {area} tests pass locally.',
  'Can we split this into two PRs, one for the {component} and one for the {area} changes?',
  'It looks like the {dependency} upgrade changed the default, which explains the {bug}.',
  'The {area} numbers look much better after the change: p95 went from {n}00 ms to {m}0 ms.',
  'We should add a regression test for the {bug} before closing this.',
  'Design signed off on the new {component}, so this is ready for review.',
  'I would rather not touch the {area} this close to the release.',
  'This also affects the {area} on {platform}, I added a screenshot.',
  'Moved the {component} behind a feature flag so we can roll it out gradually.',
  'Support confirmed two more customers hit the {bug} this week.',
  'The migration ran on staging without errors, {n} rows backfilled.',
  'QA found one more edge case: empty {component} state on {platform}.',
  'Let us timebox this to two days and revisit at planning.',
  'Deployed to production at 14:{n}0, watching the error rate.',
  'The deploy to staging failed on the {dependency} step; retrying after the fix.',
  'Rolled the flag for the {component} out to 100% of users.',
  'Incident update: the {incident} is mitigated, root cause still open.',
  'Login bug reproduced with a fresh account on {platform}; the session cookie is dropped.',
  'Payment provider confirmed the {payment}; refunds are going out today.',
  'Bug report from {name}: the {bug} shows up in {area} after login.',
  'On-call paged for the {incident}, postmortem scheduled for Friday.',
];

export const COMMENT_CLOSERS: readonly string[] = ['', '', '', 'Thoughts?', 'Will update the ticket.', 'LGTM otherwise.', 'Merging once CI is green.', 'Let me know if I missed something.'];

export const REPLIES: readonly string[] = [
  'Agreed, let us do that.',
  'Done in {commit}.',
  'Good point, updated.',
  'I will take this one.',
  'Makes sense to me.',
  'Can you share the logs?',
  'Confirmed fixed on {platform}.',
  'Still seeing the {bug} on {platform}, reopening.',
  'Thanks {name}!',
  'Let us discuss at standup tomorrow.',
  '+1, the {component} is much easier to use now.',
];

export const PROJECT_CODENAMES = [
  'Atlas', 'Beacon', 'Cobalt', 'Drift', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Keystone', 'Lumen',
  'Mosaic', 'Nimbus', 'Orbit', 'Pioneer', 'Quartz', 'Ridge', 'Summit', 'Tidal', 'Umbra', 'Vertex', 'Willow', 'Zephyr',
];

export const PROJECT_KINDS = [
  'Mobile App', 'Marketing Site', 'Billing Revamp', 'Data Platform', 'Design System', 'Customer Portal', 'Admin Console',
  'Public API', 'Onboarding Redesign', 'Search Service', 'Analytics Dashboard', 'Checkout v2', 'Partner Integrations',
  'Infrastructure', 'Help Center', 'Desktop Client', 'Notifications Service', 'Growth Experiments', 'Security Hardening', 'Q3 Roadmap',
];

export const PROJECT_DESCRIPTIONS: readonly string[] = [
  'Everything for the {kind}: roadmap, bugs and release checklist.',
  'Rebuilding the {area} with the new design system.',
  'Shared backlog of the {kind} team.',
  'Work tracking for the {kind} launch.',
  'Client project: {kind} for a retail customer.',
  'Internal tooling around the {area}.',
];

export const TAGS = ['frontend', 'backend', 'mobile', 'internal', 'client', 'marketing', 'infra', 'research', 'design', 'security', 'data', 'q3-roadmap', 'q4-roadmap', 'experiment', 'maintenance'];

export const LABELS = ['bug', 'feature', 'chore', 'docs', 'tech-debt', 'good first issue', 'blocked', 'needs design', 'performance', 'security', 'ux', 'regression', 'p0', 'p1', 'p2', 'backend', 'frontend'];

/** GitHub's label palette, so colours look like the ones people pick. */
export const COLORS = ['#d73a4a', '#0075ca', '#cfd3d7', '#a2eeef', '#7057ff', '#008672', '#e4e669', '#d876e3', '#ffffff', '#fbca04', '#0e8a16', '#b60205', '#5319e7', '#1d76db', '#c5def5', '#f9d0c4'];

export const ATTACHMENTS: readonly (readonly [string, string, number, number])[] = [
  ['screenshot.png', 'image/png', 80_000, 2_500_000],
  ['screen-recording.mp4', 'video/mp4', 2_000_000, 80_000_000],
  ['spec.pdf', 'application/pdf', 50_000, 4_000_000],
  ['error-log.txt', 'text/plain', 500, 300_000],
  ['export.csv', 'text/csv', 1_000, 10_000_000],
  ['mockup.fig', 'application/octet-stream', 200_000, 20_000_000],
  ['trace.json', 'application/json', 5_000, 5_000_000],
];

export const EXTERNAL_LINKS = [
  'https://www.figma.com/file/{id}/{slug}',
  'https://docs.google.com/document/d/{id}/edit',
  'https://github.com/acme/{slug}/pull/{n}',
  'https://www.loom.com/share/{id}',
  'https://acme.atlassian.net/wiki/spaces/ENG/pages/{n}',
];

export const SOURCE_DIRS = ['src/services', 'src/components', 'src/lib', 'src/api/routes', 'src/workers', 'packages/ui/src', 'app/models', 'internal/billing', 'src/hooks', 'server/handlers'];
export const SOURCE_FILES = ['invoice', 'auth', 'session', 'checkout', 'search-index', 'rate-limit', 'webhook', 'upload', 'notifications', 'user-profile', 'task-board', 'pagination', 'feature-flags', 'retry', 'export'];
export const SOURCE_EXTS = ['.ts', '.tsx', '.py', '.go', '.rb', '.js'];

export const DOC_SUMMARIES: readonly string[] = [
  'Documents the {file} module: its public functions, the errors it raises and how it talks to the {area}.',
  'Adds a module overview for {file}, with examples of the two most used calls.',
  'Explains the retry and timeout behaviour of {file} and when callers should expect partial results.',
  'Describes the data flow from the {area} through {file} to the database, with the invariants it keeps.',
  'Updates the {file} docs after the {component} change: parameters renamed, one function deprecated.',
];

export const NOTIFICATION_TYPES = ['task.assigned', 'comment.mentioned', 'comment.replied', 'project.invited', 'preview.completed', 'ai_doc.completed', 'task.due_soon', 'api_key.expiring'];

export const API_KEY_NAMES = ['CI deploy', 'Local CLI', 'GitHub Actions', 'Zapier integration', 'Staging backend', 'Metrics exporter', 'Nightly backup', 'Slack bot', 'Data warehouse sync', 'Mobile release pipeline'];

export const WEBHOOK_EVENTS = ['task.created', 'task.updated', 'task.completed', 'comment.created', 'preview.completed', 'ai_doc.completed', 'member.added'];

export const PREVIEW_ERRORS = ['RENDER_TIMEOUT', 'BUILD_FAILED', 'OUT_OF_MEMORY', 'ASSET_NOT_FOUND', 'WORKER_LOST'];
export const AI_DOC_ERRORS = ['FILE_TOO_LARGE', 'PARSE_ERROR', 'MODEL_TIMEOUT', 'RATE_LIMITED', 'UNSUPPORTED_LANGUAGE'];

export const REGIONS = ['iad', 'sjc', 'fra', 'lhr', 'sin', 'nrt', 'syd', 'gru'];

export const BROWSERS: readonly string[] = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{v} Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{v}.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{v}.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:12{v}.0) Gecko/20100101 Firefox/12{v}.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:12{v}.0) Gecko/20100101 Firefox/12{v}.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{v} Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{v}.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{v}.0.0.0 Safari/537.36 Edg/12{v}.0.0.0',
];

/** What suspicious sessions look like in real logs: scripts and headless browsers. */
export const SUSPICIOUS_AGENTS = ['curl/8.4.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36'];

export const DEVICES: readonly (readonly [string, string])[] = [
  ['iPhone 15', 'ios'],
  ['iPhone 13 mini', 'ios'],
  ['Pixel 8', 'android'],
  ['Galaxy S23', 'android'],
  ['MacBook Pro', 'macos'],
  ['MacBook Air', 'macos'],
  ['ThinkPad X1', 'windows'],
  ['Surface Laptop', 'windows'],
  ['Framework Laptop', 'linux'],
  ['Chrome on work laptop', 'web'],
];
