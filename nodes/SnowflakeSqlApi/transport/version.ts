/** Package identity sent in every request's User-Agent (the SQL API requires an RFC 7231 product token). */
const PACKAGE_NAME = 'n8n-nodes-snowflake-sql-api';

/** Kept equal to package.json's version (a unit test checks it; shipped code may not read package.json). */
const PACKAGE_VERSION = '0.1.0';

export const USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
