// How many persons or departments one WeLink call takes: the batch and page sizes.

/** WeLink's SDK limit for users/status and users/bulk, and the documented one for users/accounts. */
export const PERSON_BATCH = 10;
export const ACCOUNTS_BATCH = 50;
/** departments/bulk takes at most 10 departments (vendor-facts); departments/status is asked alike. */
export const DEPARTMENT_BATCH = 10;
/** user/users pages hold at most 50 persons (vendor-facts). */
export const USERS_PAGE_MAX = 50;
