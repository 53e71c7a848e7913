// Events and webhooks: the place for their screens. The API does not offer events or webhook
// subscriptions yet; when it does, the list of events (with paging) and the webhook subscriptions
// (create, test, delete) go here, reading the public endpoints only, like every other screen.
import { h, replace } from './ui.js';

export function renderEvents(main) {
  replace(main, h('h1', { tabindex: '-1' }, 'Events and webhooks'),
    h('p', {}, 'This server’s API does not offer events or webhook subscriptions yet, so there is nothing to show here.'),
    h('p', {}, 'Until then, every change is in the audit trail: open a tenant and choose “Audit trail”.'));
}
