package dev.kiln.data;

/** What a dataset is loaded for. */
public enum DataRole {
    /** Training data; a dataset may hold some of it out as the test split. */
    TRAIN,
    /** Test data: every example is used for evaluation. */
    TEST
}
