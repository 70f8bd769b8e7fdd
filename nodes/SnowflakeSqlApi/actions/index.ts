/** What the node class needs from its actions: the router and the node's parameters. */
export { router } from './router';
export { properties, subtitle } from './versionDescription';
