/** Operation names of the single `statement` resource. */
export type SnowflakeOperation =
	| 'executeQuery'
	| 'submitAsync'
	| 'getResults'
	| 'cancel'
	| 'insert'
	| 'update'
	| 'upsert'
	| 'delete'
	| 'select';
