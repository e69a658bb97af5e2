import { prepareTemplates } from './test-db.ts';

export default async function setup() {
  await prepareTemplates();
}
